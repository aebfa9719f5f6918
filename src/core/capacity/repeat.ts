import type { CapacityStepCriteria, CapacityStepFigures, CapacityStepJudgement } from "./step.js";

/** A judged run of one rate. */
export interface JudgedRun {
  figures: CapacityStepFigures;
  judgement: CapacityStepJudgement;
}

function isSaturated(figures: CapacityStepFigures, criteria: CapacityStepCriteria): boolean {
  return figures.hostBusyRatio !== null && figures.hostBusyRatio >= criteria.hostSaturatedRatio;
}

/**
 * A service failure seen while the machine running k6 had no idle CPU could
 * be the machine's (other processes starved k6, or a service on the same
 * machine): such a rate is run once more before it counts.
 */
export function needsRepeat(run: JudgedRun, criteria: CapacityStepCriteria): boolean {
  return run.judgement.outcome === "fail" && isSaturated(run.figures, criteria);
}

/** Completions fell clearly behind the offer: the service (or something) capped throughput. */
function isPlateau(run: JudgedRun, criteria: CapacityStepCriteria): boolean {
  const achieved = run.judgement.achievedRatePerSecond;
  return (
    achieved !== null && achieved < criteria.minOfferedRatio * run.figures.offeredRatePerSecond
  );
}

/** Two plateaus agree when their completion rates are within this share of each other. */
export const PLATEAU_AGREEMENT_RATIO = 0.05;

/**
 * Decides a rate that failed on a saturated machine from its repeat. A pass
 * or a generator limit on the repeat stands. A failure on an idle enough
 * machine is the service's. Failing twice on a saturated machine counts as
 * the service's limit only when both runs completed at the same rate while
 * falling behind (a capacity is reproducible; contention is not); otherwise
 * the machine, not the service, is the limit, and the search ends with a
 * lower bound rather than a capacity that may be false.
 */
export function reconcileRepeat(
  first: JudgedRun,
  repeat: JudgedRun,
  criteria: CapacityStepCriteria,
): CapacityStepJudgement {
  const outcome = repeat.judgement.outcome;
  if (outcome !== "fail" || !isSaturated(repeat.figures, criteria)) return repeat.judgement;
  const a = first.judgement.achievedRatePerSecond ?? 0;
  const b = repeat.judgement.achievedRatePerSecond ?? 0;
  const agree =
    isPlateau(first, criteria) &&
    isPlateau(repeat, criteria) &&
    Math.abs(a - b) <= PLATEAU_AGREEMENT_RATIO * Math.max(a, b);
  if (agree) {
    return {
      ...repeat.judgement,
      reasons: [
        ...repeat.judgement.reasons,
        `both runs completed about the same rate (${a.toFixed(1)} and ${b.toFixed(1)}/s) on a busy machine: a reproducible limit of the service`,
      ],
    };
  }
  return {
    ...repeat.judgement,
    outcome: "generator-limited",
    limitedBy: "generator",
    reasons: [
      `the machine running k6 had no idle CPU in either run and the runs disagreed (completions ${a.toFixed(1)} and ${b.toFixed(1)}/s): the limit may be the machine, not the service`,
      ...repeat.judgement.reasons,
    ],
  };
}
