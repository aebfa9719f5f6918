import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { readPoints, runScenario, type K6Point } from "./run-scenario.js";

// Short real runs of the other open-model shapes: each must end by itself,
// tag its phases as documented and offer more load where it says it does.

const RATE_PER_SECOND = 10;

function countByPhase(points: K6Point[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of points) {
    if (p.metric !== "iterations") continue;
    const phase = p.tags.phase ?? "";
    counts.set(phase, (counts.get(phase) ?? 0) + p.value);
  }
  return counts;
}

/** The most iterations any one wall-clock second of a phase started. */
function peakPerSecond(points: K6Point[], phase: string): number {
  const perSecond = new Map<number, number>();
  for (const p of points) {
    if (p.metric !== "iterations" || p.tags.phase !== phase) continue;
    const second = Math.floor(p.timeMs / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  return Math.max(0, ...perSecond.values());
}

const offeredRate = (points: K6Point[]) =>
  points.filter((p) => p.metric === "slogate_offered_rate").map((p) => p.value);

describe("open-model shapes with the real k6 (short)", () => {
  let targets: RunningTargets;
  beforeAll(async () => {
    targets = await startTargets();
  });
  afterAll(async () => {
    await targets.close();
  });

  it("stress steps above the nominal rate", async () => {
    const env = { BASE_URL: targets.url, RATE: String(RATE_PER_SECOND), TIME_SCALE: "0.01" };
    const run = await runScenario("stress", env, 120_000);
    expect(run.result.exit.name, run.log).toBe("OK");
    const points = readPoints(run.result.ndjsonPath);
    expect([...countByPhase(points).keys()].sort()).toEqual(
      ["ramp-down", "ramp-up", "steady", "step-1", "step-2", "step-3"].sort(),
    );
    expect(offeredRate(points)).toEqual([RATE_PER_SECOND]);
    // Step 3 is 3 × RATE by default.
    expect(peakPerSecond(points, "step-3")).toBeGreaterThan(peakPerSecond(points, "steady") * 2);
  });

  it("spike jumps far above the baseline and comes back for recovery", async () => {
    const env = { BASE_URL: targets.url, RATE: String(RATE_PER_SECOND), TIME_SCALE: "0.01" };
    const run = await runScenario("spike", env, 120_000);
    expect(run.result.exit.name, run.log).toBe("OK");
    const points = readPoints(run.result.ndjsonPath);
    expect([...countByPhase(points).keys()].sort()).toEqual(
      ["ramp-down", "ramp-up", "recovery", "spike", "steady"].sort(),
    );
    // SPIKE_FACTOR is 5 by default.
    expect(peakPerSecond(points, "spike")).toBeGreaterThanOrEqual(RATE_PER_SECOND * 3);
    expect(peakPerSecond(points, "recovery")).toBeLessThanOrEqual(RATE_PER_SECOND * 1.5);
  });

  it("soak holds RATE for its (scaled) long steady phase", async () => {
    const env = { BASE_URL: targets.url, RATE: String(RATE_PER_SECOND), TIME_SCALE: "0.001" };
    const run = await runScenario("soak", env, 120_000);
    expect(run.result.exit.name, run.log).toBe("OK");
    const points = readPoints(run.result.ndjsonPath);
    // 2 h × 0.001 = 7.2 s at RATE.
    const steady = countByPhase(points).get("steady") ?? 0;
    expect(steady).toBeGreaterThanOrEqual(RATE_PER_SECOND * 7.2 * 0.9);
    expect(steady).toBeLessThanOrEqual(RATE_PER_SECOND * 7.2 * 1.1);
    expect(offeredRate(points)).toEqual([RATE_PER_SECOND]);
  });

  it("breakpoint ramps to MAX_RATE and ends by itself when nothing breaks", async () => {
    const env = { BASE_URL: targets.url, MAX_RATE: "30", TIME_SCALE: "0.005" };
    const run = await runScenario("breakpoint", env, 120_000);
    expect(run.result.exit.name, run.log).toBe("OK");
    const points = readPoints(run.result.ndjsonPath);
    expect(offeredRate(points)).toEqual([30]);
    expect([...countByPhase(points).keys()]).toEqual(["ramp-up"]);
  });
});

describe("breakpoint against a service with limited capacity", () => {
  let targets: RunningTargets;
  beforeAll(async () => {
    // 2 slots × 20 ms: at most 100 requests/s; beyond that requests queue.
    targets = await startTargets({ faults: "capacity=2x20ms" });
  });
  afterAll(async () => {
    await targets.close();
  });

  it("aborts on its latency threshold before the ramp ends (exit 99)", async () => {
    const rampSeconds = 1200 * 0.02;
    const env = {
      BASE_URL: targets.url,
      MAX_RATE: "300",
      TIME_SCALE: "0.02",
      BREAKPOINT_P95_MS: "100",
    };
    const run = await runScenario("breakpoint", env, 120_000);
    expect(run.result.exit.code, run.log).toBe(99);
    const iterations = readPoints(run.result.ndjsonPath).filter((p) => p.metric === "iterations");
    const times = iterations.map((p) => p.timeMs);
    const ranSeconds = (Math.max(...times) - Math.min(...times)) / 1000;
    expect(ranSeconds).toBeLessThan(rampSeconds);
    expect(run.log).toMatch(/http_req_duration\{phase:ramp-up\}.*crossed.*abortOnFail/s);
  });
});
