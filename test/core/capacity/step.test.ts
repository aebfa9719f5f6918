import { describe, expect, it } from "vitest";
import {
  DEFAULT_STEP_CRITERIA,
  judgeCapacityStep,
  type CapacityStepFigures,
} from "../../../src/core/capacity/step.js";
import type { ObjectiveResult, Outcome } from "../../../src/core/types.js";

/** 200 req/s for 10 s, all delivered, fast, on an idle 2-core machine. */
const HEALTHY: CapacityStepFigures = {
  offeredRatePerSecond: 200,
  steadySeconds: 10,
  windowSeconds: 10,
  completedIterations: 2000,
  droppedIterations: 0,
  requests: 2000,
  failedRequests: 0,
  p50Ms: 20,
  p95Ms: 30,
  p99Ms: 40,
  meanIterationMs: 21,
  maxVUs: 300,
  latencyBoundMs: 500,
  k6CpuCores: 0.3,
  hostBusyRatio: 0.4,
  hostCores: 2,
};

function objective(id: string, verdict: Outcome, mandatory = true): ObjectiveResult {
  return {
    id,
    source: "k6",
    value: 1,
    unit: id === "latency_p95" ? "ms" : "ratio",
    samples: 2000,
    tier: verdict === "pass" ? "target" : verdict === "fail" ? "none" : null,
    verdict,
    reason: `${id} ${verdict}`,
    mandatory,
    bounds: { direction: "max", target: 500, good: 200, excellent: 100 },
  };
}

const HOLDING = [objective("latency_p95", "pass"), objective("error_rate", "pass")];
const LATENCY_BREACHED = [objective("latency_p95", "fail"), objective("error_rate", "pass")];

describe("judgeCapacityStep", () => {
  it.each([
    {
      name: "delivered and holding",
      figures: {},
      objectives: HOLDING,
      outcome: "pass",
      limitedBy: null,
    },
    {
      name: "an advisory objective failing does not matter",
      figures: {},
      objectives: [...HOLDING, objective("throughput", "fail", false)],
      outcome: "pass",
      limitedBy: null,
    },
    {
      name: "latency breached, k6 idle: the service",
      figures: { p95Ms: 800 },
      objectives: LATENCY_BREACHED,
      outcome: "fail",
      limitedBy: "service",
    },
    {
      name: "completions behind arrivals (a queue): the service",
      // 2200 offered over 10 s, 2000 completed over an 11 s window: 181.8/s < 95% of 220.
      figures: {
        offeredRatePerSecond: 220,
        windowSeconds: 11,
        completedIterations: 2000,
        requests: 2000,
      },
      objectives: HOLDING,
      outcome: "fail",
      limitedBy: "service",
    },
    {
      name: "completions 94% of the offered: the service",
      figures: { completedIterations: 1880, requests: 1880 },
      objectives: HOLDING,
      outcome: "fail",
      limitedBy: "service",
    },
    {
      name: "drops with every VU busy (slow service exhausted them)",
      // 200/s × 1.4 s mean = 280 VUs needed of 300.
      figures: { droppedIterations: 300, completedIterations: 1700, meanIterationMs: 1400 },
      objectives: LATENCY_BREACHED,
      outcome: "fail",
      limitedBy: "service",
    },
    {
      name: "k6 using the whole machine: the generator",
      figures: { k6CpuCores: 1.9, completedIterations: 1700 },
      objectives: HOLDING,
      outcome: "generator-limited",
      limitedBy: "generator",
    },
    {
      name: "latency breached while k6 used the whole machine: the generator",
      figures: { k6CpuCores: 1.85 },
      objectives: LATENCY_BREACHED,
      outcome: "generator-limited",
      limitedBy: "generator",
    },
    {
      name: "drops while most VUs were idle: the generator",
      // 200/s × 25 ms = 5 VUs needed of 300, yet 100 arrivals dropped.
      figures: { droppedIterations: 100, meanIterationMs: 25 },
      objectives: HOLDING,
      outcome: "generator-limited",
      limitedBy: "generator",
    },
    {
      name: "drops on a saturated machine with VUs to spare: the generator's machine",
      // 200/s × 1.2 s = 240 VUs needed of 300.
      figures: { droppedIterations: 300, meanIterationMs: 1200, hostBusyRatio: 0.99 },
      objectives: LATENCY_BREACHED,
      outcome: "generator-limited",
      limitedBy: "generator",
    },
    {
      name: "drops on a saturated machine with every VU waiting on responses: the service",
      // 200/s × 2 s = 400 VUs needed of 300: the slow service used them all.
      figures: {
        droppedIterations: 300,
        meanIterationMs: 2000,
        hostBusyRatio: 0.99,
        k6CpuCores: 0.2,
      },
      objectives: LATENCY_BREACHED,
      outcome: "fail",
      limitedBy: "service",
    },
    {
      name: "saturated machine where k6 is the largest consumer",
      figures: { completedIterations: 1800, k6CpuCores: 1.1, hostBusyRatio: 0.98 },
      objectives: HOLDING,
      outcome: "generator-limited",
      limitedBy: "generator",
    },
    {
      name: "saturated machine, k6 small, no drops: still the service",
      figures: { completedIterations: 1800, k6CpuCores: 0.3, hostBusyRatio: 1 },
      objectives: HOLDING,
      outcome: "fail",
      limitedBy: "service",
    },
    {
      name: "VU pool too small for the rate while responses were fast: the generator",
      // 200/s × 0.3 s = 60 VUs on average, but a 50-VU pool: fast answers, no VUs.
      figures: {
        droppedIterations: 300,
        meanIterationMs: 300,
        maxVUs: 50,
        completedIterations: 1700,
      },
      objectives: HOLDING,
      outcome: "generator-limited",
      limitedBy: "generator",
    },
    {
      name: "a few drops within the 1% tolerance",
      figures: { droppedIterations: 20, completedIterations: 1980 },
      objectives: HOLDING,
      outcome: "pass",
      limitedBy: null,
    },
    {
      name: "too few samples to judge",
      figures: {},
      objectives: [objective("latency_p95", "inconclusive"), objective("error_rate", "pass")],
      outcome: "inconclusive",
      limitedBy: null,
    },
    {
      name: "CPU unknown (not Linux): judged without it",
      figures: { k6CpuCores: null, hostBusyRatio: null, p95Ms: 900 },
      objectives: LATENCY_BREACHED,
      outcome: "fail",
      limitedBy: "service",
    },
  ] as const)("$name", ({ figures, objectives, outcome, limitedBy }) => {
    const judged = judgeCapacityStep({ ...HEALTHY, ...figures }, objectives, DEFAULT_STEP_CRITERIA);
    expect(judged.outcome).toBe(outcome);
    expect(judged.limitedBy).toBe(limitedBy);
    if (outcome === "pass") expect(judged.reasons).toEqual([]);
    else expect(judged.reasons.length).toBeGreaterThan(0);
  });

  it("reports the achieved rate over at least the planned phase and Little's-law VU demand", () => {
    // 1000 completions bunched into 4 s of a 10 s phase after a stall: 100/s, not 250/s.
    const judged = judgeCapacityStep(
      { ...HEALTHY, windowSeconds: 4, completedIterations: 1000, meanIterationMs: 50 },
      HOLDING,
    );
    expect(judged.achievedRatePerSecond).toBeCloseTo(100, 6);
    expect(judged.completedRatio).toBeCloseTo(0.5, 6);
    // 200 req/s × 0.05 s.
    expect(judged.vuDemand).toBeCloseTo(10, 6);
  });
});
