import type { CapacityObjective } from "./result.js";
import { NO_DOUBTS } from "./measure.js";
import type { CapacityStepJudgement } from "./step.js";
import { measureExternal } from "../evaluate.js";
import { judgeObjective } from "../evaluate-objective.js";
import type { ExternalMeasurement } from "../measurement.js";
import type { ObjectiveSpec, SloProfile } from "../profile.js";
import type { Finding, ObjectiveResult, RequiredTier } from "../types.js";

/**
 * The objectives Prometheus judges on a step: the profile's source:prometheus
 * objectives (database p95, CPU, memory, a profile's own PromQL) and
 * error_rate as the server counted it. The server's p95 is not judged: k6's
 * p95 already includes the server's time, and a histogram only bounds it.
 */
export function selectServerObjectives(profile: SloProfile): ObjectiveSpec[] {
  return profile.objectives.filter(
    (spec) => spec.source === "prometheus" || spec.id === "error_rate",
  );
}

/** An objective's result as a capacity step records it (no bounds or mandatory flag). */
export function describeCapacityObjective(objective: ObjectiveResult): CapacityObjective {
  return {
    id: objective.id,
    value: objective.value,
    unit: objective.unit,
    samples: objective.samples,
    tier: objective.tier,
    verdict: objective.verdict,
    reason: objective.reason,
  };
}

/**
 * Judges a step's server-side evidence. Breaches of mandatory objectives are
 * returned as `breaches` (they fail the step); mandatory objectives that
 * could not be judged, and warnings from the client/server cross-check,
 * become notes.
 */
export function judgeServerEvidence(
  profile: SloProfile,
  requiredTier: RequiredTier,
  measurements: readonly ExternalMeasurement[],
  findings: readonly Finding[],
): { objectives: CapacityObjective[]; breaches: string[]; notes: string[] } {
  const context = { requiredTier, settings: profile.evaluation, load: NO_DOUBTS };
  const judged = selectServerObjectives(profile).map((spec) =>
    judgeObjective(spec, measureExternal(spec, measurements), context),
  );
  const mandatory = judged.filter((objective) => objective.mandatory);
  const breaches = mandatory
    .filter((objective) => objective.verdict === "fail")
    .map((objective) => `server ${objective.id} (Prometheus): ${objective.reason}`);
  const notes = [
    ...mandatory
      .filter((objective) => objective.verdict === "inconclusive" || objective.verdict === "error")
      .map(
        (objective) =>
          `server ${objective.id} not confirmed by Prometheus (${objective.verdict}): ${objective.reason}`,
      ),
    ...findings
      .filter((finding) => finding.severity === "warning")
      .map((finding) => `${finding.code}: ${finding.message}`),
  ];
  return { objectives: judged.map(describeCapacityObjective), breaches, notes };
}

/**
 * A step's judgement with the server's breaches added. A breach makes a
 * passing (or inconclusive) step a failure of the service; a failing step
 * keeps failing with the breach among its reasons; a generator-limited step
 * stays one (it says nothing about the service's limit). Without breaches
 * the k6 judgement stands: server evidence that is missing never turns into
 * a pass or a fail.
 */
export function applyServerBreaches(
  judgement: CapacityStepJudgement,
  breaches: readonly string[],
): CapacityStepJudgement {
  if (breaches.length === 0) return judgement;
  if (judgement.outcome === "pass" || judgement.outcome === "inconclusive") {
    return {
      ...judgement,
      outcome: "fail",
      limitedBy: "service",
      reasons: [...breaches, ...judgement.reasons],
    };
  }
  return { ...judgement, reasons: [...judgement.reasons, ...breaches] };
}
