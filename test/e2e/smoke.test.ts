import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { objective, readVerdict, reportsDirOf, runCli, tempDir } from "./cli.js";

// A smoke test asks "does every endpoint work?". The bundled smoke scenario
// declares itself functional (scenarios/lib/functional.ts), so its ~20
// requests are judged on checks and failed requests: green on a healthy
// service, red naming the check on a broken endpoint, never "too few samples".

let targets: RunningTargets | undefined;
afterEach(async () => {
  await targets?.close();
  targets = undefined;
});

async function smoke(faults: string) {
  targets = await startTargets({ port: 0, faults });
  const cwd = tempDir();
  const result = await runCli(["run", "smoke", "--target", targets.url, "--format", "text"], {
    cwd,
  });
  return { result, dir: reportsDirOf(result) };
}

describe("slogate run smoke, real k6 against the reference service", () => {
  it("passes a healthy service: exit 0, every check passed, latency informational", async () => {
    const { result, dir } = await smoke("none");
    expect(result.code, result.stdout + result.stderr.slice(-1500)).toBe(0);
    const verdict = readVerdict(dir);
    expect(verdict.verdict).toBe("pass");
    const checks = objective(verdict, "checks");
    expect(checks.verdict).toBe("pass");
    expect(checks.mandatory).toBe(true);
    // The smoke scenario makes more than one check per endpoint (13 endpoints).
    expect(checks.samples).toBeGreaterThan(13);
    expect(checks.value).toBe(1);
    expect(objective(verdict, "error_rate")).toMatchObject({ verdict: "pass", value: 0 });
    const latency = objective(verdict, "latency_p95");
    expect(latency.mandatory).toBe(false);
    expect(latency.reason).toMatch(/^informational: a functional run/);
    expect(verdict.findings.map((f) => f.code)).toContain("FUNCTIONAL_RUN");
    // The text verdict on stdout says the same.
    expect(result.stdout).toMatch(/^slogate PASS/);
    expect(result.stdout).toMatch(/^checks\s+k6\s+100 %/m);
  });

  it("fails a service with one broken endpoint: exit 1, the reason names the failing check", async () => {
    // Every request to GET/PUT/PATCH/DELETE /api/v1/users/:id answers 500.
    const { result, dir } = await smoke("error@/api/v1/users/:id=1,status=500");
    expect(result.code, result.stdout + result.stderr.slice(-1500)).toBe(1);
    const verdict = readVerdict(dir);
    expect(verdict.verdict).toBe("fail");
    // k6's own `checks: rate==1` threshold crossed too.
    expect(verdict.k6.exitCode).toBe(99);
    const checks = objective(verdict, "checks");
    expect(checks.verdict).toBe("fail");
    expect(checks.reason).toMatch(/^\d+ of \d+ checks failed in the run: /);
    expect(checks.reason).toContain('"GET /api/v1/users/:id: status 200" ×1');
    // Checks of the healthy endpoints are not blamed.
    expect(checks.reason).not.toContain("GET /api/v1/products");
    expect(objective(verdict, "error_rate").verdict).toBe("fail");
    // Every report carries the name of the failing check.
    for (const file of ["verdict.txt", "verdict.md", "junit.xml", "report.html"]) {
      const text = readFileSync(path.join(dir, file), "utf8").replace(/\\_/g, "_");
      expect(text, file).toContain("GET /api/v1/users/:id: status 200");
    }
  });
});
