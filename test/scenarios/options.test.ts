import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bundleScenario } from "../../src/k6/bundle.js";
import { ensureK6, type K6Binary } from "../../src/k6/provision.js";

// What the options of every scenario turn into, as k6 itself reads them
// (`k6 inspect --execution-requirements`): no service is needed.

interface InspectedScenario {
  executor: string;
  startTime: string | null;
  duration?: string;
  maxDuration?: string;
  stages?: { duration: string; target: number }[];
  rate?: number;
  startRate?: number;
  timeUnit?: string | null;
  tags: Record<string, string> | null;
}

interface Inspected {
  scenarios: Record<string, InspectedScenario>;
  thresholds: Record<string, unknown[]> | null;
  totalDuration: string;
}

const BASE = { BASE_URL: "http://127.0.0.1:9" };
const OPEN_MODEL = ["breakpoint", "journey", "load", "soak", "spike", "stress"];
const CLOSED_MODEL = ["ratelimit", "smoke"];

let k6: K6Binary;
const scripts = new Map<string, string>();

beforeAll(async () => {
  k6 = await ensureK6();
  const outDir = mkdtempSync(path.join(tmpdir(), "slogate-inspect-"));
  for (const name of [...OPEN_MODEL, ...CLOSED_MODEL]) {
    scripts.set(name, (await bundleScenario(name, { outDir })).scriptPath);
  }
});

function inspect(name: string, env: Record<string, string>) {
  const args = ["inspect", "--execution-requirements", "--log-output=stderr"];
  for (const [key, value] of Object.entries(env)) args.push("-e", `${key}=${value}`);
  const result = spawnSync(k6.path, [...args, scripts.get(name) ?? name], {
    encoding: "utf8",
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? "", K6_NO_USAGE_REPORT: "true" },
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

function inspectOptions(name: string, env: Record<string, string> = {}): Inspected {
  const result = inspect(name, { ...BASE, ...env });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Inspected;
}

/** Seconds in a Go duration as k6 prints it: "2h5m0s", "1.2s", "300ms". */
function toSeconds(text: string | null | undefined): number {
  if (text === null || text === undefined || text === "0s") return 0;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(value) * (units[unit ?? ""] ?? NaN);
  }
  return total;
}

function lengthOf(scenario: InspectedScenario): number {
  if (scenario.duration !== undefined) return toSeconds(scenario.duration);
  return (scenario.stages ?? []).reduce((sum, stage) => sum + toSeconds(stage.duration), 0);
}

describe("scenario options as k6 reads them", () => {
  it("load has the seed's shape: 2m ramp-up, 5m steady at RATE, 2m ramp-down", () => {
    const { scenarios } = inspectOptions("load", { RATE: "30" });
    expect(Object.keys(scenarios).sort()).toEqual(["ramp_down", "ramp_up", "steady"]);
    const { ramp_up: up, steady, ramp_down: down } = scenarios;
    expect(up?.executor).toBe("ramping-arrival-rate");
    expect(up?.startRate).toBe(0);
    expect(up?.stages).toEqual([{ duration: "2m0s", target: 30 }]);
    expect(toSeconds(up?.startTime)).toBe(0);
    expect(steady?.executor).toBe("constant-arrival-rate");
    expect([steady?.rate, steady?.duration, toSeconds(steady?.startTime)]).toEqual([
      30,
      "5m0s",
      120,
    ]);
    expect(down?.stages).toEqual([{ duration: "2m0s", target: 0 }]);
    expect([down?.startRate, toSeconds(down?.startTime)]).toEqual([30, 420]);
    expect([up?.tags?.phase, steady?.tags?.phase, down?.tags?.phase]).toEqual([
      "ramp-up",
      "steady",
      "ramp-down",
    ]);
  });

  it.each(OPEN_MODEL)("%s chains tagged phases that start where the previous one ends", (name) => {
    const { scenarios } = inspectOptions(name);
    const ordered = Object.values(scenarios).sort(
      (a, b) => toSeconds(a.startTime) - toSeconds(b.startTime),
    );
    expect(ordered[0]?.tags?.phase).toBe("ramp-up");
    let endSeconds = 0;
    for (const scenario of ordered) {
      expect(scenario.executor).toMatch(/arrival-rate$/);
      expect(scenario.tags?.phase).toMatch(/^[a-z0-9-]+$/);
      expect(toSeconds(scenario.startTime)).toBeCloseTo(endSeconds, 3);
      endSeconds += lengthOf(scenario);
    }
    if (name !== "breakpoint") {
      expect(ordered.map((s) => s.tags?.phase)).toContain("steady");
      expect(ordered.at(-1)?.tags?.phase).toBe("ramp-down");
    }
  });

  it.each(CLOSED_MODEL)("%s is 1 VU, 1 iteration with a maxDuration", (name) => {
    const scenarios = Object.values(inspectOptions(name).scenarios);
    expect(scenarios).toHaveLength(1);
    expect(scenarios[0]).toMatchObject({ executor: "per-vu-iterations", vus: 1, iterations: 1 });
    expect(toSeconds(scenarios[0]?.maxDuration)).toBeGreaterThan(0);
  });

  it.each([...OPEN_MODEL, ...CLOSED_MODEL])(
    "%s ends within 2 minutes at TIME_SCALE=0.01",
    (name) => {
      const { totalDuration } = inspectOptions(name, { TIME_SCALE: "0.01" });
      expect(toSeconds(totalDuration)).toBeGreaterThan(0);
      expect(toSeconds(totalDuration)).toBeLessThanOrEqual(120);
    },
  );

  it("scales a DURATION_* override by TIME_SCALE too", () => {
    const { scenarios } = inspectOptions("load", { DURATION_STEADY: "30s", TIME_SCALE: "0.5" });
    expect(toSeconds(scenarios.steady?.duration)).toBe(15);
    expect(toSeconds(scenarios.ramp_up?.stages?.[0]?.duration)).toBe(60);
  });

  it("counts a fractional RATE per minute (k6 takes whole iterations per time unit)", () => {
    const { steady } = inspectOptions("load", { RATE: "2.5" }).scenarios;
    expect([steady?.rate, toSeconds(steady?.timeUnit)]).toEqual([150, 60]);
  });

  it("merges SLOGATE_THRESHOLDS with the scenario's own thresholds", () => {
    const slo = { "http_req_duration{phase:steady}": ["p(95)<500"], checks: ["rate>0.99"] };
    const { thresholds } = inspectOptions("smoke", { SLOGATE_THRESHOLDS: JSON.stringify(slo) });
    expect(thresholds).toEqual({
      checks: ["rate==1", "rate>0.99"],
      "http_req_duration{phase:steady}": ["p(95)<500"],
    });
  });

  it("puts breakpoint's abort thresholds on latency and errors", () => {
    const { thresholds } = inspectOptions("breakpoint", { BREAKPOINT_P95_MS: "250" });
    expect(thresholds?.["http_req_duration{phase:ramp-up}"]).toEqual([
      { threshold: "p(95)<250", abortOnFail: true, delayAbortEval: "30s" },
    ]);
    expect(thresholds?.["http_req_failed{phase:ramp-up}"]).toEqual([
      { threshold: "rate<0.01", abortOnFail: true, delayAbortEval: "30s" },
    ]);
  });

  // A bad value stops k6 before any request (script exception, 107) with one
  // line naming the variable.
  it.each([
    ["load", { RATE: "abc" }, "RATE=abc"],
    ["load", { RATE: "0" }, "RATE=0"],
    ["load", { TIME_SCALE: "-1" }, "TIME_SCALE=-1"],
    ["load", { DURATION_STEADY: "5x" }, "DURATION_STEADY=5x"],
    ["load", { PRE_VUS: "2.5" }, "PRE_VUS=2.5"],
    ["stress", { STRESS_FACTORS: "1.5,x" }, "STRESS_FACTORS=1.5,x"],
    ["load", { BODY_CHECK_EVERY: "0" }, "BODY_CHECK_EVERY=0 must be at least 1"],
    ["smoke", { SLOGATE_THRESHOLDS: "{nope" }, "SLOGATE_THRESHOLDS is not valid JSON"],
    ["smoke", { SLOGATE_THRESHOLDS: '{"checks":"rate==1"}' }, 'SLOGATE_THRESHOLDS: \\"checks\\"'],
    ["smoke", { BASE_URL: "" }, "BASE_URL is not set"],
    ["smoke", { BASE_URL: "ftp://127.0.0.1" }, "BASE_URL=ftp://127.0.0.1 is not an http(s) URL"],
  ] as const)("%s refuses %j", (name, env, message) => {
    const result = inspect(name, { ...BASE, ...env });
    expect(result.status).toBe(107);
    expect(result.stderr).toContain(`slogate scenario: ${message}`);
  });
});
