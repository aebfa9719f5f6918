import type { CapacityPlan } from "../../../src/core/capacity/plan.js";
import type { CapacityStep } from "../../../src/core/capacity/result.js";
import { DEFAULT_STEP_CRITERIA } from "../../../src/core/capacity/step.js";

/** A search as resolveCapacityPlan would give it for products-api at `target`, written out by hand. */
export const PLAN: CapacityPlan = {
  requiredTier: "target",
  scenario: "capacity",
  settings: {
    startRatePerSecond: 100,
    minRatePerSecond: 50,
    maxRatePerSecond: 10_000,
    growthFactor: 2,
    precisionRatio: 0.05,
    maxSteps: 20,
  },
  criteria: DEFAULT_STEP_CRITERIA,
  warmUpSeconds: 5,
  steadySeconds: 10,
  budgetSeconds: 600,
  maxVUsCap: 5000,
  latencyBounds: { direction: "max", target: 500, good: 300, excellent: 100 },
  latencyBoundMs: 500,
  gracefulStopSeconds: 1,
  throughputBounds: { direction: "min", target: 100, good: 1000, excellent: 5000 },
};

/** One recorded step; what a test does not name is a quiet, passing step. */
export function makeStep(
  index: number,
  ratePerSecond: number,
  outcome: CapacityStep["outcome"],
  more: Partial<CapacityStep> = {},
): CapacityStep {
  return {
    index,
    ratePerSecond,
    reason: index === 1 ? "start" : "grow",
    repeated: false,
    outcome,
    limitedBy:
      outcome === "fail" ? "service" : outcome === "generator-limited" ? "generator" : null,
    reasons: outcome === "pass" ? [] : [`${outcome} at ${ratePerSecond}`],
    achievedRatePerSecond: outcome === "error" || outcome === "interrupted" ? null : ratePerSecond,
    completedRatio: 1,
    requests: ratePerSecond * 10,
    failedRequests: 0,
    errorRate: 0,
    p50Ms: 20,
    p95Ms: 40,
    p99Ms: 60,
    completedIterations: ratePerSecond * 10,
    droppedIterations: 0,
    meanIterationMs: 20,
    vuDemand: 2,
    preAllocatedVUs: 100,
    maxVUs: 100,
    k6CpuCores: 0.2,
    hostBusyRatio: 0.4,
    hostCores: 2,
    objectives: [],
    server: null,
    warmUpSeconds: 5,
    steadySeconds: 10,
    startedAt: "2026-01-01T00:00:00.000Z",
    wallSeconds: 18,
    k6ExitCode: 0,
    dir: `steps/${String(index).padStart(2, "0")}-${ratePerSecond}rps`,
    ...more,
  };
}
