import { afterEach, describe, expect, it } from "vitest";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { readPoints, readSummaryMetric, runScenario } from "./run-scenario.js";

// The service's payment delay: no order can be seen PAID sooner after it was sent.
const PROCESSING_DELAY_MS = 300;
const SHORT = { RATE: "4", TIME_SCALE: "0.03" };

describe("journey scenario with the real k6", () => {
  let targets: RunningTargets | undefined;
  afterEach(async () => {
    await targets?.close();
    targets = undefined;
  });

  it("sees orders reach PAID and times them", async () => {
    targets = await startTargets({ orderProcessingDelayMs: PROCESSING_DELAY_MS });
    const run = await runScenario("journey", { BASE_URL: targets.url, ...SHORT }, 120_000);
    expect(run.result.exit.name, run.log).toBe("OK");

    const completion = readSummaryMetric(run.result.summaryPath, "order_completion_time");
    expect(completion?.count).toBeGreaterThan(0);
    expect(completion?.min).toBeGreaterThanOrEqual(PROCESSING_DELAY_MS);
    // Polled every 250 ms: seeing PAID takes the delay plus at most a poll or two on loopback.
    expect(completion?.med).toBeLessThan(PROCESSING_DELAY_MS + 2000);
    expect(readSummaryMetric(run.result.summaryPath, "checks")?.fails).toBe(0);

    const points = readPoints(run.result.ndjsonPath);
    const paidChecks = points.filter(
      (p) => p.metric === "checks" && /order PAID/.test(p.tags.check ?? ""),
    );
    expect(paidChecks.length).toBe(completion?.count);
    const polls = points.filter(
      (p) => p.metric === "http_reqs" && p.tags.name === "/orders/:orderId",
    );
    expect(polls.length).toBeGreaterThanOrEqual(paidChecks.length);
    // Journeys are shaped like load: samples from the steady phase exist.
    expect(points.some((p) => p.metric === "iterations" && p.tags.phase === "steady")).toBe(true);
  });

  it("orders as the created user (X-User-Id), so a tight per-user limit shows on order calls only", async () => {
    targets = await startTargets({
      orderProcessingDelayMs: PROCESSING_DELAY_MS,
      rateLimit: { ratePerSecond: 1, burst: 2 },
    });
    const run = await runScenario(
      "journey",
      { BASE_URL: targets.url, ...SHORT, POLL_INTERVAL_MS: "50" },
      120_000,
    );
    const points = readPoints(run.result.ndjsonPath);
    const limited = points.filter((p) => p.metric === "http_reqs" && p.tags.status === "429");
    expect(limited.length).toBeGreaterThan(0);
    // Browsing and sign-up go without X-User-Id, which the gateway never limits.
    expect(new Set(limited.map((p) => p.tags.name))).toEqual(new Set(["/orders/:orderId"]));
    // The journey waits out Retry-After instead of giving up.
    expect(
      readSummaryMetric(run.result.summaryPath, "order_completion_time")?.count,
    ).toBeGreaterThan(0);
  });
});
