import { describe, expect, it } from "vitest";
import {
  decideCapacityNext,
  estimateStepSeconds,
  FIRST_STEP_OVERHEAD_SECONDS,
  measureStepOverhead,
  planCapacityStep,
  shouldRepeatStep,
  type CapacityProgress,
} from "../../../src/core/capacity/progress.js";
import type { JudgedRun } from "../../../src/core/capacity/repeat.js";
import type { CapacityStepFigures } from "../../../src/core/capacity/step.js";
import { makeStep, PLAN } from "./fixtures.js";

// PLAN: warm-up 5 s + steady 10 s + graceful stop 1 s, budget 600 s.
const FRESH: CapacityProgress = {
  steps: [],
  elapsedSeconds: 0,
  overheadSeconds: FIRST_STEP_OVERHEAD_SECONDS,
  interrupted: false,
};

describe("estimateStepSeconds and measureStepOverhead", () => {
  it.each([
    { name: "before any step", overhead: 3, expected: 19 },
    { name: "after a slow start-up", overhead: 7.5, expected: 23.5 },
  ])("estimate $name: $expected s", ({ overhead, expected }) => {
    expect(estimateStepSeconds(PLAN, overhead)).toBe(expected);
  });

  it.each([
    { name: "the time beyond warm-up and steady", wallSeconds: 18.5, expected: 3.5 },
    { name: "never below 1 s", wallSeconds: 15.2, expected: 1 },
    { name: "an interrupted run that ended early", wallSeconds: 4, expected: 1 },
  ])("overhead: $name", ({ wallSeconds, expected }) => {
    expect(measureStepOverhead(PLAN, wallSeconds)).toBeCloseTo(expected, 9);
  });
});

describe("decideCapacityNext", () => {
  it.each([
    {
      name: "the first step starts at the start rate",
      progress: FRESH,
      expected: { kind: "step", ratePerSecond: 100, reason: "start" },
    },
    {
      name: "a pass grows the rate",
      progress: { ...FRESH, steps: [makeStep(1, 100, "pass")], elapsedSeconds: 19 },
      expected: { kind: "step", ratePerSecond: 200, reason: "grow" },
    },
    {
      name: "a run that was repeated does not count, its repeat does",
      progress: {
        ...FRESH,
        steps: [
          makeStep(1, 100, "pass"),
          makeStep(2, 200, "fail", { repeated: true }),
          makeStep(3, 200, "pass", { reason: "repeat" }),
        ],
      },
      expected: { kind: "step", ratePerSecond: 400, reason: "grow" },
    },
    {
      name: "an interrupt stops it",
      progress: { ...FRESH, steps: [makeStep(1, 100, "pass")], interrupted: true },
      expected: { kind: "stop", reason: "interrupted" },
    },
    {
      name: "a step that could not be judged stops it as inconclusive, interrupt or not",
      progress: {
        ...FRESH,
        steps: [makeStep(1, 100, "pass"), makeStep(2, 200, "error")],
        interrupted: true,
      },
      expected: { kind: "stop", reason: "inconclusive" },
    },
    {
      name: "an interrupted step is not an error: the interrupt decides",
      progress: { ...FRESH, steps: [makeStep(1, 100, "interrupted")], interrupted: true },
      expected: { kind: "stop", reason: "interrupted" },
    },
    {
      name: "a step that fits the budget exactly still runs (581 + 19 = 600 s)",
      progress: { ...FRESH, steps: [makeStep(1, 100, "pass")], elapsedSeconds: 581 },
      expected: { kind: "step", ratePerSecond: 200, reason: "grow" },
    },
    {
      name: "a step that would overrun the budget does not start",
      progress: { ...FRESH, steps: [makeStep(1, 100, "pass")], elapsedSeconds: 581.5 },
      expected: { kind: "stop", reason: "budget" },
    },
    {
      name: "the overhead seen last counts against the budget",
      progress: {
        ...FRESH,
        steps: [makeStep(1, 100, "pass")],
        elapsedSeconds: 570,
        overheadSeconds: 15,
      },
      expected: { kind: "stop", reason: "budget" },
    },
  ])("$name", ({ progress, expected }) => {
    expect(decideCapacityNext(progress, PLAN)).toEqual(expected);
  });
});

const FIGURES: CapacityStepFigures = {
  offeredRatePerSecond: 400,
  steadySeconds: 10,
  windowSeconds: 10,
  completedIterations: 3000,
  droppedIterations: 0,
  requests: 3000,
  failedRequests: 0,
  p50Ms: 300,
  p95Ms: 700,
  p99Ms: 900,
  meanIterationMs: 300,
  maxVUs: 400,
  latencyBoundMs: 500,
  k6CpuCores: 0.3,
  hostBusyRatio: 0.99,
  hostCores: 2,
};

function judged(outcome: "pass" | "fail", hostBusyRatio: number): JudgedRun {
  return {
    figures: { ...FIGURES, hostBusyRatio },
    judgement: {
      outcome,
      limitedBy: outcome === "fail" ? "service" : null,
      achievedRatePerSecond: 300,
      completedRatio: 0.75,
      vuDemand: 120,
      reasons: [],
    },
  };
}

describe("shouldRepeatStep", () => {
  const after = { ...FRESH, steps: [makeStep(1, 400, "fail")], elapsedSeconds: 100 };
  it.each([
    {
      name: "a failure on a saturated machine",
      run: judged("fail", 0.99),
      progress: after,
      repeat: true,
    },
    {
      name: "a failure with idle CPU counts at once",
      run: judged("fail", 0.5),
      progress: after,
      repeat: false,
    },
    { name: "a pass is never repeated", run: judged("pass", 0.99), progress: after, repeat: false },
    { name: "an unjudged step is not repeated", run: null, progress: after, repeat: false },
    {
      name: "not after an interrupt",
      run: judged("fail", 0.99),
      progress: { ...after, interrupted: true },
      repeat: false,
    },
    {
      name: "when the repeat fits the budget exactly (581 + 19 = 600 s)",
      run: judged("fail", 0.99),
      progress: { ...after, elapsedSeconds: 581 },
      repeat: true,
    },
    {
      name: "not when the repeat would overrun the budget",
      run: judged("fail", 0.99),
      progress: { ...after, elapsedSeconds: 582 },
      repeat: false,
    },
  ])("$name: $repeat", ({ run, progress, repeat }) => {
    expect(shouldRepeatStep(run, progress, PLAN)).toBe(repeat);
  });
});

describe("planCapacityStep", () => {
  // VUs: the rate waiting 2 × the 500 ms bound, at least 10, at most the plan's 5000.
  it.each([
    {
      name: "the first step",
      stepsSoFar: 0,
      setup: { rate: 100, reason: "start" } as const,
      expected: {
        index: 1,
        ratePerSecond: 100,
        reason: "start",
        preAllocatedVUs: 100,
        maxVUs: 100,
        dir: "steps/01-100rps",
      },
    },
    {
      name: "a low rate still gets 10 VUs",
      stepsSoFar: 9,
      setup: { rate: 7, reason: "bisect" } as const,
      expected: {
        index: 10,
        ratePerSecond: 7,
        reason: "bisect",
        preAllocatedVUs: 10,
        maxVUs: 10,
        dir: "steps/10-7rps",
      },
    },
    {
      name: "a high rate is capped at the plan's VUs",
      stepsSoFar: 3,
      setup: { rate: 20_000, reason: "grow" } as const,
      expected: {
        index: 4,
        ratePerSecond: 20_000,
        reason: "grow",
        preAllocatedVUs: 5000,
        maxVUs: 5000,
        dir: "steps/04-20000rps",
      },
    },
  ])("$name", ({ stepsSoFar, setup, expected }) => {
    expect(planCapacityStep(stepsSoFar, setup.rate, setup.reason, PLAN)).toEqual(expected);
  });
});
