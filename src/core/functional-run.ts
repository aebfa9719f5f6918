import type { K6Evidence } from "./evidence.js";
import { judgeObjective, type JudgeContext } from "./evaluate-objective.js";
import {
  buildChecksSpec,
  buildFailedRequestsSpec,
  countStreamChecks,
  countSummaryChecks,
  isFailedRequestsObjective,
  isInformationalInFunctionalRun,
  judgeChecks,
  judgeFailedRequests,
  markInformational,
  pickFreeId,
  type FunctionalDecision,
} from "./functional.js";
import type { EvidenceWindow } from "./judged-window.js";
import type { Measurement } from "./measurement.js";
import type { ObjectiveSpec } from "./objectives.js";
import type { Finding, ObjectiveResult } from "./types.js";

/**
 * Window findings about the shape of a load test: a functional run has no
 * ramps or steady phase to speak of, and its length says nothing about
 * whether the endpoints work.
 */
const LOAD_SHAPE_FINDINGS = new Set(["NO_PHASE_TAGS", "NO_STEADY_PHASE", "WINDOW_TOO_SHORT"]);

export interface FunctionalRunOptions {
  decision: Extract<FunctionalDecision, { functional: true }>;
  objectives: readonly ObjectiveSpec[];
  evidence: K6Evidence;
  selected: EvidenceWindow;
  context: JudgeContext;
  /** How every other objective is measured (k6 in the window, Prometheus from external). */
  measure: (spec: ObjectiveSpec) => Measurement;
}

export interface FunctionalRunResult {
  objectives: ObjectiveResult[];
  /** The window's findings without the load-shape ones, then what the functional rules add. */
  findings: Finding[];
}

/**
 * Judges a functional run: a checks objective first (every check passed),
 * then the profile's objectives, where failed-request objectives allow no
 * failure, latency and throughput are informational, and everything else
 * keeps its sample rules. A failed-requests objective is added when the
 * profile has none. Load doubts (a short window, no steady phase) do not
 * apply: a functional run offers no load.
 */
export function judgeFunctionalRun(options: FunctionalRunOptions): FunctionalRunResult {
  const { evidence, selected, context } = options;
  const taken = new Set(options.objectives.map((spec) => spec.id));
  const windowKind = evidence.kind === "summary" ? "all" : selected.window.kind;
  const where =
    windowKind === "all"
      ? "in the run"
      : windowKind === "range"
        ? "in the chosen range"
        : "in the steady window";
  const tally =
    evidence.kind === "stream"
      ? countStreamChecks(evidence, selected.streamWindow?.phases ?? new Set())
      : countSummaryChecks(evidence);
  const checks = judgeChecks(buildChecksSpec(pickFreeId("checks", taken)), tally, where);

  // Judged without the run-level doubts of a load test; the sample rules stay.
  const undoubted: JudgeContext = {
    ...context,
    load: { ...context.load, doubts: [], deliveryDoubts: [] },
  };
  const judged = options.objectives.map((spec) => {
    const measurement = options.measure(spec);
    if (isFailedRequestsObjective(spec)) {
      const result = judgeFailedRequests(spec, measurement, context.requiredTier);
      if (result) return result;
    }
    if (isInformationalInFunctionalRun(spec)) {
      return markInformational(judgeObjective(spec, measurement, context));
    }
    return judgeObjective(spec, measurement, undoubted);
  });

  const objectives = [checks, ...judged];
  // "No request failed" must hold for every request and decide the run: a
  // profile's own failure objective covers that only when it is mandatory and
  // not narrowed to some routes or methods.
  if (!options.objectives.some(coversEveryFailure)) {
    const spec = buildFailedRequestsSpec(pickFreeId("failed_requests", taken));
    const measurement = selected.measure(spec);
    objectives.push(
      judgeFailedRequests(spec, measurement, context.requiredTier) ??
        judgeObjective(spec, measurement, undoubted),
    );
  }
  const by = options.decision.declaredBy === "scenario" ? "the scenario" : "the profile";
  return {
    objectives,
    findings: [
      ...selected.findings.filter((finding) => !LOAD_SHAPE_FINDINGS.has(finding.code)),
      {
        severity: "info",
        code: "FUNCTIONAL_RUN",
        message: `judged as a functional run (declared by ${by}): every check must pass and no request may fail; latency and throughput are informational`,
      },
    ],
  };
}

/** A mandatory http_req_failed objective over every request, so no failure escapes it. */
function coversEveryFailure(spec: ObjectiveSpec): boolean {
  if (!spec.mandatory || !isFailedRequestsObjective(spec) || spec.measure.kind !== "k6") {
    return false;
  }
  const scope = spec.measure.scope;
  return scope === null || (scope.names === null && scope.methods === null);
}
