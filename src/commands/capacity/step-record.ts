import type { CapacityStep } from "../../core/capacity/result.js";
import { reconcileRepeat } from "../../core/capacity/repeat.js";
import type { CapacityStepCriteria, CapacityStepJudgement } from "../../core/capacity/step.js";
import type { StepReason } from "../../core/capacity/search.js";
import { describeCapacityObjective } from "../../core/capacity/server.js";
import type { CapacityStepReport } from "./run-step.js";

/** What the search knew about a step before running it. */
export interface StepContext {
  index: number;
  ratePerSecond: number;
  reason: StepReason;
  preAllocatedVUs: number;
  maxVUs: number;
  warmUpSeconds: number;
  steadySeconds: number;
  startedAt: string;
  wallSeconds: number;
  /** The step's raw files, relative to the report directory. */
  dir: string;
}

/** One row of the capacity curve from a step's run. */
export function toCapacityStep(report: CapacityStepReport, context: StepContext): CapacityStep {
  const base = {
    ...context,
    k6ExitCode: report.k6.exit.code,
    repeated: false,
  };
  if (report.kind === "unjudged") {
    return {
      ...base,
      outcome: report.k6.interruptedBy !== null ? "interrupted" : "error",
      limitedBy: null,
      reasons: [report.why],
      achievedRatePerSecond: null,
      completedRatio: null,
      requests: 0,
      failedRequests: 0,
      errorRate: null,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
      completedIterations: 0,
      droppedIterations: 0,
      meanIterationMs: null,
      vuDemand: null,
      k6CpuCores: null,
      hostBusyRatio: null,
      hostCores: 0,
      objectives: [],
      server: null,
    };
  }
  const { figures, judgement } = report;
  return {
    ...base,
    outcome: judgement.outcome,
    limitedBy: judgement.limitedBy,
    reasons: judgement.reasons,
    achievedRatePerSecond: judgement.achievedRatePerSecond,
    completedRatio: judgement.completedRatio,
    requests: figures.requests,
    failedRequests: figures.failedRequests,
    errorRate: figures.requests > 0 ? figures.failedRequests / figures.requests : null,
    p50Ms: figures.p50Ms,
    p95Ms: figures.p95Ms,
    p99Ms: figures.p99Ms,
    completedIterations: figures.completedIterations,
    droppedIterations: figures.droppedIterations,
    meanIterationMs: figures.meanIterationMs,
    vuDemand: judgement.vuDemand,
    k6CpuCores: figures.k6CpuCores,
    hostBusyRatio: figures.hostBusyRatio,
    hostCores: figures.hostCores,
    objectives: report.objectives.map(describeCapacityObjective),
    server: report.server,
  };
}

/** The step with another judgement (a repeated rate decided from both runs). */
export function withJudgement(step: CapacityStep, judgement: CapacityStepJudgement): CapacityStep {
  return {
    ...step,
    outcome: judgement.outcome,
    limitedBy: judgement.limitedBy,
    reasons: judgement.reasons,
  };
}

/**
 * The repeat of a rate, decided from both runs when both were judged
 * (reconcileRepeat); a repeat that could not be judged stands as it is.
 */
export function settleRepeat(
  first: CapacityStepReport,
  again: CapacityStepReport,
  repeat: CapacityStep,
  criteria: CapacityStepCriteria,
): CapacityStep {
  if (first.kind !== "judged" || again.kind !== "judged") return repeat;
  return withJudgement(repeat, reconcileRepeat(first, again, criteria));
}
