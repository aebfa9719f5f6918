import type { CapacityStepFigures } from "./step.js";
import type { StreamEvidence } from "../evidence.js";
import { judgeObjective } from "../evaluate-objective.js";
import { mergeHistograms, readPercentileMs } from "../histogram.js";
import type { LoadStatus } from "../measurement.js";
import { measureStreamObjective } from "../measure-stream.js";
import type { ObjectiveSpec, SloProfile } from "../profile.js";
import type { StreamWindow } from "../stream-window.js";
import type { ObjectiveResult, RequiredTier } from "../types.js";

/** The phase tag of the judged part of a capacity step (scenarios/capacity.ts). */
export const CAPACITY_STEADY_PHASE = "steady";

/** What a step was asked to do. */
export interface CapacityStepPlan {
  offeredRatePerSecond: number;
  steadySeconds: number;
  maxVUs: number;
  /** The required tier's p95 bound, ms; null without a latency objective. */
  latencyBoundMs: number | null;
}

/** CPU seen while the step's steady phase ran (src/sources/process-cpu.ts). */
export interface CapacityStepCpu {
  k6CpuCores: number | null;
  hostBusyRatio: number | null;
  hostCores: number;
}

/**
 * The objectives a capacity step is judged on: the profile's mandatory k6
 * objectives except throughput-like ones (req/s or counts), because the
 * offered rate is what the search chooses, not what it judges.
 */
export function selectStepObjectives(profile: SloProfile): ObjectiveSpec[] {
  return profile.objectives.filter(
    (spec) =>
      spec.mandatory &&
      spec.measure.kind === "k6" &&
      spec.measure.stat.kind !== "perSecond" &&
      spec.measure.stat.kind !== "count",
  );
}

// Load delivery is judged by judgeCapacityStep from the step's own figures,
// so objectives are judged on their values and sample counts alone.
export const NO_DOUBTS: LoadStatus = {
  droppedIterations: 0,
  offeredRatePerSecond: null,
  achievedIterationRatePerSecond: null,
  doubts: [],
  deliveredAsOffered: false,
};

/** The steady phase as an evaluation window (no fallback to the whole run: warm-up is never judged). */
export function selectSteadyWindow(evidence: StreamEvidence): StreamWindow {
  const stats = evidence.phases.get(CAPACITY_STEADY_PHASE);
  const fromMs = stats?.firstMs ?? null;
  const toMs = stats?.lastMs ?? null;
  return {
    kind: "steady",
    phases: new Set([CAPACITY_STEADY_PHASE]),
    fromMs,
    toMs,
    seconds: fromMs === null || toMs === null ? 0 : (toMs - fromMs) / 1000,
  };
}

/**
 * A step's figures and objective results from its k6 NDJSON evidence (read
 * with iteration_duration tracked). Dropped iterations k6 could not tie to a
 * phase are counted against the steady phase: a drop is never ignored.
 */
export function measureCapacityStep(
  evidence: StreamEvidence,
  profile: SloProfile,
  requiredTier: RequiredTier,
  plan: CapacityStepPlan,
  cpu: CapacityStepCpu,
): { figures: CapacityStepFigures; objectives: ObjectiveResult[] } {
  const window = selectSteadyWindow(evidence);
  const stats = evidence.phases.get(CAPACITY_STEADY_PHASE);
  const groups = evidence.groups.filter((group) => group.phase === CAPACITY_STEADY_PHASE);
  let requests = 0;
  let failed = 0;
  for (const group of groups) {
    requests += group.requests;
    failed += group.failed;
  }
  const latency = mergeHistograms(
    groups.filter((group) => group.expected !== false).map((group) => group.durations),
  );
  const iterationSeries = evidence.metrics.filter(
    (series) => series.metric === "iteration_duration" && series.phase === CAPACITY_STEADY_PHASE,
  );
  const iterationCount = iterationSeries.reduce((sum, series) => sum + series.count, 0);
  const iterationSum = iterationSeries.reduce((sum, series) => sum + series.sum, 0);

  const figures: CapacityStepFigures = {
    offeredRatePerSecond: plan.offeredRatePerSecond,
    steadySeconds: plan.steadySeconds,
    windowSeconds: window.seconds ?? 0,
    completedIterations: stats?.iterations ?? 0,
    droppedIterations: (stats?.droppedIterations ?? 0) + evidence.unattributedDroppedIterations,
    requests,
    failedRequests: failed,
    p50Ms: readPercentileMs(latency, 50),
    p95Ms: readPercentileMs(latency, 95),
    p99Ms: readPercentileMs(latency, 99),
    meanIterationMs: iterationCount > 0 ? iterationSum / iterationCount : null,
    maxVUs: plan.maxVUs,
    latencyBoundMs: plan.latencyBoundMs,
    ...cpu,
  };
  const context = { requiredTier, settings: profile.evaluation, load: NO_DOUBTS };
  const objectives = selectStepObjectives(profile).map((spec) =>
    judgeObjective(spec, measureStreamObjective(spec, evidence, window), context),
  );
  return { figures, objectives };
}
