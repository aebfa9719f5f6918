import { afterEach, describe, expect, it } from "vitest";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { readPoints, readSummaryMetric, runScenario, type K6Point } from "./run-scenario.js";

// The limit the service is started with: the ground truth the probe is judged against.
const BURST = 10;
const REFILL_PER_SECOND = 5;
const PROBE_ENV = { RATELIMIT_BURST: String(BURST), RATELIMIT_RATE: String(REFILL_PER_SECOND) };

const requestsOf = (points: K6Point[], probe: string) =>
  points.filter((p) => p.metric === "http_reqs" && p.tags.probe === probe);

describe("ratelimit probe with the real k6", () => {
  let targets: RunningTargets | undefined;
  afterEach(async () => {
    await targets?.close();
    targets = undefined;
  });

  it("sees 429s above the limit and none below it", async () => {
    targets = await startTargets({ rateLimit: { ratePerSecond: REFILL_PER_SECOND, burst: BURST } });
    const run = await runScenario("ratelimit", { BASE_URL: targets.url, ...PROBE_ENV }, 90_000);
    expect(run.result.exit.name, run.log).toBe("OK");
    const points = readPoints(run.result.ndjsonPath);

    const over = requestsOf(points, "over-limit");
    const limited = over.filter((p) => p.tags.status === "429");
    const served = over.filter((p) => p.tags.status === "200");
    expect(limited.length).toBeGreaterThan(0);
    expect(served.length + limited.length).toBe(over.length);
    // A token bucket lets through at most its size plus what refilled meanwhile.
    const spanSeconds =
      (Math.max(...over.map((p) => p.timeMs)) - Math.min(...over.map((p) => p.timeMs))) / 1000;
    expect(served.length).toBeLessThanOrEqual(
      BURST + Math.ceil(REFILL_PER_SECOND * (spanSeconds + 1)),
    );
    expect(served.length).toBeGreaterThanOrEqual(BURST);

    const under = requestsOf(points, "under-limit");
    expect(under.length).toBeGreaterThan(0);
    expect(under.every((p) => p.tags.status === "200")).toBe(true);
    const noUser = requestsOf(points, "no-user");
    expect(noUser.length).toBeGreaterThan(BURST);
    expect(noUser.every((p) => p.tags.status === "200")).toBe(true);
    expect(requestsOf(points, "recovery").map((p) => p.tags.status)).toEqual(["200"]);

    // Retry-After is only visible to the script; its check must have run and held.
    const retryAfter = points.filter(
      (p) => p.metric === "checks" && /Retry-After in whole seconds/.test(p.tags.check ?? ""),
    );
    expect(retryAfter.map((p) => p.value)).toEqual([1]);
    expect(readSummaryMetric(run.result.summaryPath, "checks")?.fails).toBe(0);
  });

  it("fails (exit 99) against a service with no rate limit", async () => {
    targets = await startTargets({ rateLimit: false });
    const run = await runScenario("ratelimit", { BASE_URL: targets.url, ...PROBE_ENV }, 90_000);
    expect(run.result.exit.code, run.log).toBe(99);
    const points = readPoints(run.result.ndjsonPath);
    expect(points.filter((p) => p.metric === "http_reqs" && p.tags.status === "429")).toEqual([]);
    expect(readSummaryMetric(run.result.summaryPath, "checks")?.fails).toBeGreaterThan(0);
  });
});
