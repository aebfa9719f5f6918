import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { CapacityResult } from "../../src/core/capacity/result.js";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { tempDir } from "./cli.js";

// A signal during a search, end to end: the built CLI searches the real
// reference service (4 slots × 20 ms) with the real k6; once step 1 is
// reported and step 2's k6 is running, the CLI gets SIGINT as from a
// terminal, or SIGTERM as from a supervisor. It must exit 128 + n (130, 143)
// and report step 1 on stdout and in capacity.json. Steps are 1 s warm-up +
// 3 s judged, so each case takes ~15 s.

const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

let targets: RunningTargets | undefined;
afterEach(async () => {
  await targets?.close();
  targets = undefined;
});

/** Pids of the live children of `parentPid` whose command name starts with `commPrefix`. */
function findChildren(parentPid: number, commPrefix: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // ended while listing
    }
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const [state, ppid] = stat.slice(close + 2).split(" ");
    if (Number(ppid) === parentPid && state !== "Z" && comm.startsWith(commPrefix)) {
      found.push(Number(entry));
    }
  }
  return found;
}

describe("slogate capacity interrupted by a signal", () => {
  it.each([
    { signal: "SIGINT", code: 130 },
    { signal: "SIGTERM", code: 143 },
  ] as const)(
    "$signal exits $code, prints the finished steps and writes them to capacity.json",
    async ({ signal, code: expectedCode }) => {
      targets = await startTargets({ faults: "capacity=4x20ms", rateLimit: false });
      const reportsDir = tempDir("slogate-capacity-e2e-");
      const child = spawn(
        process.execPath,
        [
          CLI,
          "capacity",
          "--target",
          targets.url,
          "--warmup",
          "1",
          "--step",
          "3",
          "--budget",
          "60",
          "--reports-dir",
          reportsDir,
        ],
        {
          env: { ...process.env, NO_COLOR: "1", GITHUB_STEP_SUMMARY: "" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      const childPid = child.pid ?? 0;
      let stdout = "";
      let stderr = "";
      let interrupted = false;
      let poll: NodeJS.Timeout | undefined;
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        // Step 1 is reported once its k6 has ended; the next k6 child is step 2's.
        if (poll === undefined && /^step 1: /m.test(stderr)) {
          poll = setInterval(() => {
            if (interrupted || findChildren(childPid, "k6").length === 0) return;
            interrupted = true;
            clearInterval(poll);
            child.kill(signal);
          }, 50);
        }
      });
      // Bounded: a search that ignored the signal is killed and fails below.
      const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
      const code = await new Promise<number | null>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", resolve);
      });
      clearTimeout(killer);
      clearInterval(poll);

      const context = `stderr:\n${stderr.slice(-1500)}\nstdout:\n${stdout.slice(-1500)}`;
      expect(interrupted, context).toBe(true);
      expect(code, context).toBe(expectedCode);
      expect(stderr).toMatch(/^step 1: \d+ req\/s offered, [\d.]+ achieved: pass$/m);

      // stdout: the headline and the table of finished steps, then where the reports went.
      expect(stdout).toMatch(/^slogate capacity: at least \d+ req\/s \(stopped: interrupted\)/);
      expect(stdout).toContain("stopped by interrupted · 2 steps");
      const rows = stdout.split("\n").filter((line) => /^\d+\s{2}\d+\s{2}/.test(line));
      expect(rows, context).toHaveLength(2);
      expect(rows[0]).toMatch(/\bpass\b/);
      expect(rows[1]).toMatch(/\binterrupted\b/);
      const dir = /^reports: (.+)$/m.exec(stdout)?.[1] ?? "";
      expect(path.dirname(dir)).toBe(reportsDir);

      const json = JSON.parse(
        readFileSync(path.join(dir, "capacity.json"), "utf8"),
      ) as CapacityResult;
      expect(json.stoppedBy).toBe("interrupted");
      expect(json.kind).toBe("lower-bound");
      expect(json.steps.map((step) => [step.index, step.outcome])).toEqual([
        [1, "pass"],
        [2, "interrupted"],
      ]);
      const first = json.steps[0];
      expect(first?.requests).toBeGreaterThan(0);
      expect(json.capacityRatePerSecond).toBe(first?.ratePerSecond);
      // The same signal reached step 2's k6.
      expect(json.steps[1]?.reasons).toEqual([`interrupted by ${signal}`]);
      expect(json.findings.map((finding) => finding.code)).toContain("CAPACITY_INTERRUPTED");
    },
    120_000,
  );
});
