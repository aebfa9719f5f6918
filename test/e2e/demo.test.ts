import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, startCli, tempDir } from "./cli.js";

// The README's main job (`npm run demo` = `slogate demo`) as a user runs it:
// it starts the reference services itself, runs smoke and a short load test on
// the real k6, then the load again with 50 ms injected on every request,
// compared with the first load. --time-scale 0.1 (the demo's default) turns
// the 2m/5m/2m shape into 12s/30s/12s: fifteen 2 s slices for the comparison.
const EXIT_OF: Record<string, number> = { pass: 0, fail: 1, inconclusive: 2 };

describe("slogate demo, the README's main job", () => {
  it(
    "runs smoke, load and the injected regression on real k6, exits with the load verdict and prints where the reports are",
    { timeout: 300_000 },
    async () => {
      const cwd = tempDir();
      const result = await runCli(["demo", "--time-scale", "0.1", "--rate", "40"], {
        cwd,
        timeoutMs: 300_000,
      });
      const verdicts = [
        ...result.stdout.matchAll(/^== (smoke|load|regression): (\w+) \(k6 (\d+)/gm),
      ].map((m) => ({ step: m[1], verdict: m[2] ?? "", k6: Number(m[3]) }));
      const context = result.stdout + result.stderr.slice(-1500);
      expect(
        verdicts.map((v) => v.step),
        context,
      ).toEqual(["smoke", "load", "regression"]);
      const load = verdicts[1];
      expect(EXIT_OF[load?.verdict ?? ""]).toBeDefined();
      expect(result.code, context).toBe(EXIT_OF[load?.verdict ?? ""]);

      const dirs = [...result.stdout.matchAll(/^reports: (\S+) \(open (\S+)\)$/gm)];
      expect(dirs).toHaveLength(3);
      for (const [, dir, html] of dirs) {
        expect(existsSync(dir ?? ""), dir).toBe(true);
        expect(existsSync(html ?? ""), html).toBe(true);
        expect(path.resolve(dir ?? "").startsWith(path.join(cwd, "reports"))).toBe(true);
      }
      // Real traffic: k6's own http_reqs points in the load run's NDJSON.
      const loadDir = dirs[1]?.[1] ?? "";
      const httpReqs = readFileSync(path.join(loadDir, "k6.ndjson"), "utf8")
        .split("\n")
        .filter((line) => line.includes('"type":"Point"') && line.includes('"metric":"http_reqs"'));
      expect(httpReqs.length).toBeGreaterThan(200);
      const verdict = JSON.parse(readFileSync(path.join(loadDir, "verdict.json"), "utf8")) as {
        verdict: string;
      };
      expect(verdict.verdict).toBe(load?.verdict);

      // The regression step: the tiers pass (50 ms is inside even Excellent), the comparison fails it.
      const regression = JSON.parse(
        readFileSync(path.join(dirs[2]?.[1] ?? "", "verdict.json"), "utf8"),
      ) as {
        verdict: string;
        objectives: { verdict: string; mandatory: boolean }[];
        comparison?: { verdict: string; baseline: { source: string } };
      };
      expect(regression.comparison?.verdict, context).toBe("regressed");
      expect(regression.comparison?.baseline.source).toBe(loadDir);
      expect(
        regression.objectives.filter((o) => o.mandatory).map((o) => o.verdict),
        context,
      ).not.toContain("fail");
      expect(regression.verdict).toBe("fail");
      expect(verdicts[2]?.verdict).toBe("fail");
      expect(result.stdout).toMatch(/^== the regression step failed as it should/m);
    },
  );

  it("Ctrl-C during the load test exits 130 after reporting both steps", async () => {
    const cwd = tempDir();
    // 20 iterations/s at 0.04 bounds a demo that ignored the signal at ~30 s.
    const cli = startCli(["demo", "--time-scale", "0.04", "--rate", "20"], {
      cwd,
      timeoutMs: 90_000,
    });
    // The load step has started, and its k6 reports that it is running.
    const running = await cli
      .waitFor("stdout", /^== load: /m)
      .then(() => cli.waitFor("stderr", /running \(/))
      .then(
        () => true,
        () => false,
      );
    if (running) cli.kill("SIGINT");
    const result = await cli.done;
    const context = `exit ${result.code}\nstdout:\n${result.stdout.slice(-2000)}\nstderr:\n${result.stderr.slice(-1500)}`;
    expect(running, context).toBe(true);
    expect(result.code, context).toBe(130);
    // Smoke ran to its end; the load test's k6 ended as interrupted (its exit 105).
    const steps = [...result.stdout.matchAll(/^== (smoke|load): (\w+) \(k6 (\d+)/gm)].map((m) => ({
      step: m[1],
      verdict: m[2],
      k6: Number(m[3]),
    }));
    expect(
      steps.map((step) => step.step),
      context,
    ).toEqual(["smoke", "load"]);
    expect(steps[1]?.k6, context).toBe(105);
    expect(steps[1]?.verdict).not.toBe("pass");

    const dirs = [...result.stdout.matchAll(/^reports: (\S+) \(open (\S+)\)$/gm)];
    expect(dirs, context).toHaveLength(2);
    const loadDir = dirs[1]?.[1] ?? "";
    expect(path.resolve(loadDir).startsWith(path.join(cwd, "reports"))).toBe(true);
    for (const file of ["run.json", "k6.log", "k6.ndjson", "verdict.json"]) {
      expect(existsSync(path.join(loadDir, file)), file).toBe(true);
    }
    const verdict = JSON.parse(readFileSync(path.join(loadDir, "verdict.json"), "utf8")) as {
      verdict: string;
    };
    expect(verdict.verdict).toBe(steps[1]?.verdict);
    expect(result.stderr).not.toContain("internal error");
  });
});
