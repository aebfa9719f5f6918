import type { ObjectiveResult } from "../types.js";

/** What one capacity step measured in its steady (judged) phase. */
export interface CapacityStepFigures {
  /** The constant arrival rate k6 was asked for, iterations (= requests) per second. */
  offeredRatePerSecond: number;
  /** The planned length of the steady phase. */
  steadySeconds: number;
  /** First to last steady completion, seconds; 0 when nothing completed. */
  windowSeconds: number;
  /** Steady iterations that completed. */
  completedIterations: number;
  /** Steady arrivals k6 could not start (no free VU when due). */
  droppedIterations: number;
  requests: number;
  failedRequests: number;
  /** Latency of expected responses in the steady phase; null without any. */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Mean k6 iteration_duration in the steady phase; null when k6 wrote none. */
  meanIterationMs: number | null;
  /** The most VUs the step allowed. */
  maxVUs: number;
  /** The p95 bound the required tier sets, ms; null when the profile has no latency objective. */
  latencyBoundMs: number | null;
  /** k6's own CPU use over the steady window, in cores; null when it could not be sampled. */
  k6CpuCores: number | null;
  /** Share of the whole machine's CPU time that was busy over the steady window; null when unknown. */
  hostBusyRatio: number | null;
  hostCores: number;
}

/** How strict a step is about delivering the offered load, and when the generator is to blame. */
export interface CapacityStepCriteria {
  /** Completed iterations, and the achieved rate, must reach this share of the offered ones (the profile's minOfferedRatio). */
  minOfferedRatio: number;
  /** Dropped iterations tolerated, as a share of the offered ones. */
  maxDroppedRatio: number;
  /** k6 using at least this share of the machine's cores means the generator is CPU-bound. */
  generatorCpuRatio: number;
  /** The machine at least this busy counts as CPU-saturated… */
  hostSaturatedRatio: number;
  /** …and k6 is to blame when it used at least this share of the busy CPU. */
  k6ShareOfBusyRatio: number;
  /**
   * Drops while the VUs needed (Little's law: rate × mean iteration time) stay
   * below this share of maxVUs mean k6 had idle VUs yet could not start
   * iterations on time: the generator stalled, not the service.
   */
  idleVuRatio: number;
}

export const DEFAULT_STEP_CRITERIA: CapacityStepCriteria = {
  minOfferedRatio: 0.95,
  maxDroppedRatio: 0.01,
  generatorCpuRatio: 0.9,
  hostSaturatedRatio: 0.95,
  k6ShareOfBusyRatio: 0.5,
  idleVuRatio: 0.5,
};

export type CapacityStepOutcome = "pass" | "fail" | "generator-limited" | "inconclusive";

export interface CapacityStepJudgement {
  outcome: CapacityStepOutcome;
  /** Who the step's failure is attributed to; null for a pass or an inconclusive step. */
  limitedBy: "service" | "generator" | null;
  achievedRatePerSecond: number | null;
  /** Completed over offered iterations of the steady phase. */
  completedRatio: number;
  /** Rate × mean iteration time: VUs busy on average (Little's law); null without iteration times. */
  vuDemand: number | null;
  /** One sentence per reason, the deciding ones first. */
  reasons: string[];
}

function round(value: number, digits = 1): string {
  return value.toFixed(digits);
}

/**
 * Judges one step. It passes when every mandatory objective holds at the
 * required tier AND the offered load was delivered: at most maxDroppedRatio
 * dropped, and completions (count and rate) at least minOfferedRatio of the
 * offer. A saturated service shows up as latency or errors beyond the bound,
 * or as completions falling behind arrivals (requests queue). A step that
 * does not pass is blamed on the load generator when k6 itself was the
 * bottleneck: it used nearly all the machine's CPU, or most of a saturated
 * machine's CPU, or it dropped arrivals while most of its VUs were idle (the
 * command initialises every VU before the step, sized so that a slow service
 * fails on latency well before it can keep them all busy). Such a step says nothing about the
 * service, so it never becomes a "first failing rate".
 */
export function judgeCapacityStep(
  figures: CapacityStepFigures,
  objectives: readonly ObjectiveResult[],
  criteria: CapacityStepCriteria = DEFAULT_STEP_CRITERIA,
): CapacityStepJudgement {
  const offered = figures.offeredRatePerSecond;
  const offeredIterations = offered * figures.steadySeconds;
  const completedRatio =
    offeredIterations > 0 ? figures.completedIterations / offeredIterations : 0;
  // Completions spread over at least the planned phase: bursts after a stall
  // must not make a short window look fast.
  const achievedSeconds = Math.max(figures.windowSeconds, figures.steadySeconds);
  const achieved = achievedSeconds > 0 ? figures.completedIterations / achievedSeconds : null;
  const vuDemand =
    figures.meanIterationMs === null ? null : (offered * figures.meanIterationMs) / 1000;

  const mandatory = objectives.filter((objective) => objective.mandatory);
  const breached = mandatory.filter((objective) => objective.verdict === "fail");
  const unsure = mandatory.filter(
    (objective) => objective.verdict === "inconclusive" || objective.verdict === "error",
  );
  const service: string[] = breached.map((objective) => `${objective.id}: ${objective.reason}`);
  const undelivered: string[] = [];
  const droppedLimit = criteria.maxDroppedRatio * offeredIterations;
  const drops = figures.droppedIterations > droppedLimit;
  if (drops) {
    undelivered.push(
      `k6 dropped ${figures.droppedIterations} of ${Math.round(offeredIterations)} arrivals (no free VU when due)`,
    );
  }
  if (completedRatio < criteria.minOfferedRatio) {
    undelivered.push(
      `${figures.completedIterations} of ${Math.round(offeredIterations)} offered iterations completed (${round(completedRatio * 100)}% < ${round(criteria.minOfferedRatio * 100, 0)}%)`,
    );
  }
  if (achieved !== null && achieved < criteria.minOfferedRatio * offered) {
    undelivered.push(
      `completions ran at ${round(achieved)}/s, below ${round(criteria.minOfferedRatio * 100, 0)}% of the offered ${offered}/s`,
    );
  }

  const generator: string[] = [];
  if (
    figures.k6CpuCores !== null &&
    figures.k6CpuCores >= criteria.generatorCpuRatio * figures.hostCores
  ) {
    generator.push(
      `k6 used ${round(figures.k6CpuCores, 2)} of the machine's ${figures.hostCores} cores`,
    );
  }
  const hostSaturated =
    figures.hostBusyRatio !== null && figures.hostBusyRatio >= criteria.hostSaturatedRatio;
  if (
    hostSaturated &&
    figures.k6CpuCores !== null &&
    figures.hostBusyRatio !== null &&
    generator.length === 0 &&
    figures.k6CpuCores >= criteria.k6ShareOfBusyRatio * figures.hostBusyRatio * figures.hostCores
  ) {
    generator.push(
      `the machine's CPU was saturated and k6 used ${round(figures.k6CpuCores, 2)} of its ${figures.hostCores} cores, the largest share`,
    );
  }
  if (drops && vuDemand !== null && vuDemand < criteria.idleVuRatio * figures.maxVUs) {
    generator.push(
      `k6 dropped arrivals while only ~${round(vuDemand)} of its ${figures.maxVUs} VUs were needed (rate × mean iteration time): it could not start iterations on time`,
    );
  } else if (
    drops &&
    figures.latencyBoundMs !== null &&
    figures.meanIterationMs !== null &&
    figures.meanIterationMs < figures.latencyBoundMs
  ) {
    // Requests were answered within the bound on average, yet every VU was busy:
    // the pool (the generator's resources) was too small for this rate.
    generator.push(
      `k6 ran out of its ${figures.maxVUs} VUs while requests took ${round(figures.meanIterationMs)} ms on average (bound ${figures.latencyBoundMs} ms): the generator's VU pool limited the rate`,
    );
  } else if (drops && hostSaturated && vuDemand !== null && vuDemand < figures.maxVUs) {
    // Responses alone did not keep every VU busy (that would be a slow
    // service), and the machine had no CPU to spare: k6 stalled.
    generator.push(
      `k6 dropped arrivals with ~${round(vuDemand)} of its ${figures.maxVUs} VUs needed while the machine it runs on had no idle CPU: the generator's machine is the limit`,
    );
  }
  const host =
    figures.hostBusyRatio === null
      ? []
      : [`the machine's CPU was ${round(figures.hostBusyRatio * 100, 0)}% busy`];

  const base = { achievedRatePerSecond: achieved, completedRatio, vuDemand };
  const notPassing = service.length > 0 || undelivered.length > 0 || unsure.length > 0;
  if (!notPassing) {
    return { ...base, outcome: "pass", limitedBy: null, reasons: [] };
  }
  if (generator.length > 0) {
    return {
      ...base,
      outcome: "generator-limited",
      limitedBy: "generator",
      reasons: [...generator, ...undelivered, ...service, ...host],
    };
  }
  if (service.length > 0 || undelivered.length > 0) {
    return {
      ...base,
      outcome: "fail",
      limitedBy: "service",
      reasons: [...service, ...undelivered],
    };
  }
  return {
    ...base,
    outcome: "inconclusive",
    limitedBy: null,
    reasons: unsure.map((objective) => `${objective.id}: ${objective.reason}`),
  };
}
