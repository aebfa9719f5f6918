import { describeCapacityFindings, selectJudgedSteps } from "./findings.js";
import type { CapacityPlan } from "./plan.js";
import { CAPACITY_SCHEMA_VERSION, type CapacityResult, type CapacityStep } from "./result.js";
import { summarizeCapacity, type StopReason } from "./search.js";

/** What the command knows about the run itself; the target already redacted. */
export interface CapacityRunFacts {
  runId: string;
  target: string;
  profile: string;
  k6Version: string | null;
  startedAt: string;
  endedAt: string;
  wallSeconds: number;
}

/** The highest rate k6 completed in any step, repeated runs included; null when none completed. */
export function findHighestAchievedRate(steps: readonly CapacityStep[]): number | null {
  const achieved = steps
    .map((step) => step.achievedRatePerSecond)
    .filter((rate): rate is number => rate !== null);
  return achieved.length > 0 ? Math.max(...achieved) : null;
}

/**
 * capacity.json from a finished search: the capacity found from the judged
 * steps, every step as run, the warnings about how far the figure can be
 * trusted, and the plan it ran with.
 */
export function buildCapacityResult(
  plan: CapacityPlan,
  steps: readonly CapacityStep[],
  stoppedBy: StopReason,
  facts: CapacityRunFacts,
): CapacityResult {
  const { settings, warmUpSeconds, steadySeconds, budgetSeconds, criteria } = plan;
  return {
    schemaVersion: CAPACITY_SCHEMA_VERSION,
    ...summarizeCapacity(selectJudgedSteps(steps), stoppedBy, plan.throughputBounds),
    target: facts.target,
    profile: facts.profile,
    scenario: plan.scenario,
    requiredTier: plan.requiredTier,
    latencyBoundMs: plan.latencyBoundMs,
    latencyBounds: plan.latencyBounds,
    throughputBounds: plan.throughputBounds,
    stoppedBy,
    settings: { ...settings, warmUpSeconds, steadySeconds, budgetSeconds, criteria },
    steps: [...steps],
    highestAchievedRatePerSecond: findHighestAchievedRate(steps),
    findings: describeCapacityFindings(steps, stoppedBy, criteria),
    k6: { version: facts.k6Version },
    startedAt: facts.startedAt,
    endedAt: facts.endedAt,
    wallSeconds: facts.wallSeconds,
    runId: facts.runId,
  };
}
