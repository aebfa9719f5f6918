import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { readPoints, runScenario, type K6Point, type ScenarioRun } from "./run-scenario.js";

const RATE_PER_SECOND = 20;
// The seed's load shape is 2m / 5m / 2m; TIME_SCALE 0.02 makes it 2.4s / 6s / 2.4s.
const TIME_SCALE = 0.02;
const STEADY_SECONDS = 300 * TIME_SCALE;
const ROUTE_TEMPLATES = new Set([
  "/api/v1/users",
  "/api/v1/users/:id",
  "/api/v1/products",
  "/api/v1/products/:id",
  "/orders",
  "/orders/:orderId",
]);

describe("load scenario with the real k6 (short)", () => {
  let targets: RunningTargets;
  let run: ScenarioRun;
  let points: K6Point[];

  beforeAll(async () => {
    targets = await startTargets();
    run = await runScenario(
      "load",
      { BASE_URL: targets.url, RATE: String(RATE_PER_SECOND), TIME_SCALE: String(TIME_SCALE) },
      120_000,
    );
    points = readPoints(run.result.ndjsonPath);
  });
  afterAll(async () => {
    await targets.close();
  });

  it("ends by itself, thresholds passing", () => {
    expect(run.result.exit.name, run.log).toBe("OK");
  });

  it("writes one slogate_offered_rate point carrying RATE", () => {
    const offered = points.filter((p) => p.metric === "slogate_offered_rate");
    expect(offered.map((p) => p.value)).toEqual([RATE_PER_SECOND]);
  });

  it("tags samples with their phase, steady included", () => {
    const phases = new Set(
      points.filter((p) => p.metric === "iterations").map((p) => p.tags.phase),
    );
    expect(phases).toEqual(new Set(["ramp-up", "steady", "ramp-down"]));
    const steadyRequests = points.filter(
      (p) => p.metric === "http_reqs" && p.tags.phase === "steady",
    );
    expect(steadyRequests.length).toBeGreaterThan(0);
  });

  it("offers RATE iterations per second during steady", () => {
    const steady = (metric: string) =>
      points
        .filter((p) => p.metric === metric && p.tags.phase === "steady")
        .reduce((n, p) => n + p.value, 0);
    const offered = steady("iterations") + steady("dropped_iterations");
    const expected = RATE_PER_SECOND * STEADY_SECONDS;
    expect(offered).toBeGreaterThanOrEqual(expected * 0.9);
    expect(offered).toBeLessThanOrEqual(expected * 1.1);
  });

  it("checks every response's status and, by default, about 1 body in 10", () => {
    const phased = points.filter((p) => p.metric === "http_reqs" && p.tags.phase !== undefined);
    const checks = points.filter((p) => p.metric === "checks" && p.tags.phase !== undefined);
    const statusChecks = checks.filter((p) => / status \d{3}$/.test(p.tags.check ?? ""));
    const bodyChecks = checks.filter((p) => !/ status \d{3}$/.test(p.tags.check ?? ""));
    expect(statusChecks).toHaveLength(phased.length);
    expect(bodyChecks.length).toBeGreaterThan(0);
    expect(bodyChecks.length / phased.length).toBeGreaterThan(0.03);
    expect(bodyChecks.length / phased.length).toBeLessThan(0.25);
    expect(checks.every((p) => p.value === 1)).toBe(true);
  });

  it("names every request by its route template, never by its URL", () => {
    const phased = points.filter((p) => p.metric === "http_reqs" && p.tags.phase !== undefined);
    const names = new Set(phased.map((p) => p.tags.name));
    for (const name of names) expect(ROUTE_TEMPLATES).toContain(name);
    // Reads dominate the mix, and there are writes too.
    const reads = phased.filter((p) => p.tags.method === "GET").length;
    expect(reads / phased.length).toBeGreaterThan(0.6);
    expect(phased.some((p) => p.tags.method === "POST")).toBe(true);
    // The URL, one value per id, is not a tag at all.
    expect(phased.some((p) => p.tags.url !== undefined)).toBe(false);
  });
});
