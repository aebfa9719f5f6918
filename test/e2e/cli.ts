import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Verdict } from "../../src/core/types.js";

const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`npm test` builds first) as a user would, in `cwd`. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, NO_COLOR: "1", GITHUB_STEP_SUMMARY: "", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function tempDir(prefix = "slogate-e2e-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** The run directory `slogate run` reported on stderr. */
export function reportsDirOf(result: CliResult): string {
  const match = /reports in (\S+)/.exec(result.stderr);
  if (!match?.[1]) throw new Error(`no reports dir in stderr:\n${result.stderr.slice(-2000)}`);
  return match[1];
}

export function readVerdict(dir: string): Verdict {
  return JSON.parse(readFileSync(path.join(dir, "verdict.json"), "utf8")) as Verdict;
}

export function objective(verdict: Verdict, id: string) {
  const found = verdict.objectives.find((o) => o.id === id);
  if (!found)
    throw new Error(`no objective ${id} in ${verdict.objectives.map((o) => o.id).join(", ")}`);
  return found;
}
