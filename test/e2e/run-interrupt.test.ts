import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { readVerdict, reportsDirOf, startCli, tempDir, type CliResult } from "./cli.js";

// A signal during `slogate run`, end to end: the built CLI runs the real k6
// with the load scenario against the real reference service on loopback;
// once k6 reports it is running, the CLI gets the signal as from a terminal
// (SIGINT) or a supervisor (SIGTERM). It must relay it to k6, which ends
// gracefully, judge what was measured, write the reports and exit 128 + n.
// --time-scale 0.04 bounds an ignored signal at ~22 s of 20 iterations/s.

let targets: RunningTargets | undefined;
afterEach(async () => {
  await targets?.close();
  targets = undefined;
});

function describeOutput(result: CliResult): string {
  return `exit ${result.code}\nstderr:\n${result.stderr.slice(-1500)}\nstdout:\n${result.stdout.slice(-1500)}`;
}

describe("slogate run interrupted by a signal", () => {
  it.each([
    { signal: "SIGINT", code: 130 },
    { signal: "SIGTERM", code: 143 },
  ] as const)(
    "$signal exits $code after writing run.json, k6.log and the verdict",
    async ({ signal, code }) => {
      targets = await startTargets({ port: 0, faults: "none" });
      const cwd = tempDir();
      const cli = startCli(
        [
          "run",
          "load",
          "--profile",
          "users-api",
          "--target",
          targets.url,
          "--rate",
          "20",
          "--time-scale",
          "0.04",
          // The whole run, so the part before the signal is evidence however early it comes.
          "--window",
          "all",
          "--format",
          "json",
        ],
        { cwd, timeoutMs: 90_000 },
      );
      // k6's progress reaches stderr once its test is running.
      const running = await cli.waitFor("stderr", /running \(/).then(
        () => true,
        () => false,
      );
      if (running) cli.kill(signal);
      const result = await cli.done;
      const context = describeOutput(result);
      expect(running, context).toBe(true);
      expect(result.code, context).toBe(code);
      // k6 got the signal and ended as interrupted (its exit 105), not killed.
      expect(result.stderr, context).toMatch(/k6 105 \(EXTERNAL_ABORT\)/);

      const dir = reportsDirOf(result);
      expect(path.dirname(dir)).toBe(path.join(cwd, "reports"));
      for (const file of ["run.json", "k6.log", "k6.ndjson", "verdict.json"]) {
        expect(statSync(path.join(dir, file)).size, file).toBeGreaterThan(0);
      }
      const runInfo = JSON.parse(readFileSync(path.join(dir, "run.json"), "utf8")) as {
        exit: { interruptedBy: string | null };
      };
      // The same signal reached k6.
      expect(runInfo.exit.interruptedBy).toBe(signal);
      // A run cut short never passes; stdout is the same verdict as the file.
      const verdict = readVerdict(dir);
      expect(verdict.verdict).not.toBe("pass");
      expect((JSON.parse(result.stdout) as { verdict: string }).verdict).toBe(verdict.verdict);
    },
    120_000,
  );
});
