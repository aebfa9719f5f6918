import type { CapacityStep } from "./result.js";
import type { SearchStep, StopReason } from "./search.js";
import type { CapacityStepCriteria } from "./step.js";
import type { Finding } from "../types.js";

/** Steps the search may reason about: judged ones (interrupted or broken steps say nothing). */
export function selectJudgedSteps(steps: readonly CapacityStep[]): SearchStep[] {
  return steps.flatMap((step) =>
    step.outcome === "interrupted" || step.outcome === "error" || step.repeated
      ? []
      : [
          {
            ratePerSecond: step.ratePerSecond,
            outcome: step.outcome,
            reason: step.reason,
            achievedRatePerSecond: step.achievedRatePerSecond,
          },
        ],
  );
}

/** Warnings about how far the result can be trusted. */
export function describeCapacityFindings(
  steps: readonly CapacityStep[],
  stoppedBy: StopReason,
  criteria: CapacityStepCriteria,
): Finding[] {
  const findings: Finding[] = [];
  // A step that could not be judged ends the search (decideCapacityNext), so it is the last one.
  const last = steps.at(-1);
  if (last?.outcome === "error") {
    findings.push({
      severity: "warning",
      code: "CAPACITY_STEP_ERROR",
      message: `step ${last.index} at ${last.ratePerSecond} req/s: ${last.reasons.join("; ")}`,
    });
  }
  if (stoppedBy === "interrupted") {
    findings.push({
      severity: "warning",
      code: "CAPACITY_INTERRUPTED",
      message: `the search was interrupted after ${steps.length} steps; the result covers the steps that finished`,
    });
  }
  if (stoppedBy === "budget") {
    findings.push({
      severity: "warning",
      code: "CAPACITY_BUDGET",
      message: "the time budget ran out before the search reached its precision",
    });
  }
  if (stoppedBy === "max-steps") {
    findings.push({
      severity: "warning",
      code: "CAPACITY_MAX_STEPS",
      message: "the step limit was reached before the search reached its precision",
    });
  }
  const counted = steps.filter((step) => !step.repeated);
  const fails = counted.filter((step) => step.outcome === "fail").map((step) => step.ratePerSecond);
  const lowestFail = fails.length > 0 ? Math.min(...fails) : Number.POSITIVE_INFINITY;
  const deciding = counted.find(
    (step) => step.outcome === "fail" && step.ratePerSecond === lowestFail,
  );
  if (deciding?.hostBusyRatio != null && deciding.hostBusyRatio >= criteria.hostSaturatedRatio) {
    findings.push({
      severity: "warning",
      code: "CAPACITY_HOST_SATURATED",
      message: `the machine running k6 was ${Math.round(deciding.hostBusyRatio * 100)}% busy during the first failing step (${lowestFail} req/s)${deciding.k6CpuCores === null ? "" : ` while k6 used ${deciding.k6CpuCores.toFixed(2)} of its ${deciding.hostCores} cores`}; if the service runs on this machine too, its limit may be the shared CPU`,
    });
  }
  const above = counted.filter(
    (step) => step.outcome === "pass" && step.ratePerSecond > lowestFail,
  );
  if (above.length > 0) {
    findings.push({
      severity: "warning",
      code: "CAPACITY_NOT_MONOTONIC",
      message: `${above.map((step) => `${step.ratePerSecond} req/s`).join(", ")} passed above the first failing rate ${lowestFail} req/s: the service or the machine is noisy; the lowest failing rate was kept`,
    });
  }
  return findings;
}
