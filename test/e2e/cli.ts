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

/** The built CLI while it runs, for tests that signal it part-way. */
export interface StartedCli {
  /** Sends the CLI a signal, as a terminal's Ctrl-C (SIGINT) or a supervisor (SIGTERM) does. */
  kill(signal: NodeJS.Signals): void;
  /**
   * Resolves once what `stream` printed after this call matches `pattern`;
   * rejects, with the output so far, if the CLI ends first.
   */
  waitFor(stream: "stdout" | "stderr", pattern: RegExp): Promise<void>;
  /** The CLI's end: its exit code (null when a signal killed it) and all it printed. */
  done: Promise<CliResult>;
}

/** Starts the built CLI (`npm test` builds first) as a user would, in `cwd`. */
export function startCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): StartedCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, NO_COLOR: "1", GITHUB_STEP_SUMMARY: "", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  const waiters = new Set<{
    stream: "stdout" | "stderr";
    from: number;
    pattern: RegExp;
    resolve: () => void;
    reject: (error: Error) => void;
  }>();
  const check = () => {
    for (const waiter of waiters) {
      if (waiter.pattern.test(output[waiter.stream].slice(waiter.from))) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };
  child.stdout.on("data", (chunk: Buffer) => {
    output.stdout += chunk.toString();
    check();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString();
    check();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      for (const waiter of waiters) {
        waiter.reject(
          new Error(
            `the CLI ended (exit ${code}) before its ${waiter.stream} matched ${waiter.pattern}:\n` +
              `stdout:\n${output.stdout.slice(-1500)}\nstderr:\n${output.stderr.slice(-1500)}`,
          ),
        );
      }
      waiters.clear();
      resolve({ code, ...output });
    });
  });
  return {
    kill: (signal) => void child.kill(signal),
    waitFor: (stream, pattern) =>
      new Promise<void>((resolve, reject) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          reject(new Error(`the CLI had already ended before ${pattern} was awaited`));
          return;
        }
        waiters.add({ stream, from: output[stream].length, pattern, resolve, reject });
      }),
    done,
  };
}

/** Runs the built CLI (`npm test` builds first) as a user would, in `cwd`. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return startCli(args, options).done;
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
