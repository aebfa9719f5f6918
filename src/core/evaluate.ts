import type { VerdictComparison } from "./comparison-block.js";
import type { K6Evidence } from "./evidence.js";
import { judgeObjective } from "./evaluate-objective.js";
import { decideFunctional } from "./functional.js";
import { judgeFunctionalRun } from "./functional-run.js";
import { selectEvidenceWindow } from "./judged-window.js";
import type { ExternalMeasurement, Measurement } from "./measurement.js";
import type { ObjectiveSpec, SloProfile } from "./profile.js";
import type { ServerReading } from "./prometheus-agreement.js";
import { buildRouteRows, buildTimeline } from "./report-detail.js";
import type { Finding, ReportInput, RequiredTier } from "./types.js";
import { buildVerdict, type RunIdentity } from "./verdict.js";

/** What is known about the k6 process that produced the evidence. */
export interface K6RunInfo {
  version: string | null;
  exitCode: number | null;
  /** Whether that exit leaves evidence worth judging (src/k6/exit-codes); false makes the verdict `error`. */
  exitEvidence: boolean | null;
  /** e.g. "k6 finished and some of its thresholds crossed". */
  exitDescription: string | null;
}

export interface EvaluateOptions {
  profile: SloProfile;
  evidence: K6Evidence;
  /** The profile's requiredTier unless given. */
  requiredTier?: RequiredTier;
  /** The profile's window unless given; an explicit range is applied when NDJSON is read. */
  window?: "steady" | "all";
  k6?: Partial<K6RunInfo>;
  /** Measurements of source:prometheus objectives, by objective id. */
  external?: readonly ExternalMeasurement[];
  /** Findings of the source that measured `external` (Prometheus), after the evaluation's own. */
  findings?: readonly Finding[];
  /** What Prometheus saw in the same window: adds the verdict's `prometheus` section. */
  prometheus?: ServerReading;
  /** The signal that cut the k6 run short: the verdict says so and does not pass. */
  interruptedBy?: string;
  /** Which run the evidence came from. */
  run?: RunIdentity;
  /** The run compared with a baseline: the verdict's second gate and its `comparison` block. */
  comparison?: VerdictComparison;
  /** Why the run is not over yet (read from Prometheus while it runs): a pass cannot stand. */
  inProgress?: string;
}

/** A source:prometheus objective's measurement from the external evidence; missing → inconclusive, never a pass. */
export function measureExternal(
  spec: ObjectiveSpec,
  external: readonly ExternalMeasurement[],
): Measurement {
  const found = external.find((entry) => entry.id === spec.id);
  if (!found) {
    return {
      kind: "missing",
      outcome: "inconclusive",
      reason: `no ${spec.source} evidence for ${spec.id}; it is measured when slogate reads Prometheus`,
    };
  }
  if (found.status !== "ok" || found.value === null || !Number.isFinite(found.value)) {
    return {
      kind: "missing",
      outcome: found.status === "error" ? "error" : "inconclusive",
      reason: found.reason ?? `${spec.source} returned no usable value for ${spec.id}`,
      value: found.value,
      samples: found.samples,
    };
  }
  return { kind: "value", value: found.value, samples: found.samples };
}

function decideK6Thresholds(
  k6: Partial<K6RunInfo>,
  evidence: K6Evidence,
  findings: Finding[],
): boolean | null {
  const fromExit = k6.exitCode === 99 ? false : k6.exitCode === 0 ? true : null;
  const results = evidence.kind === "summary" ? evidence.thresholds : null;
  const fromSummary =
    results && results.length > 0 ? results.every((result) => result.passed) : null;
  if (fromExit !== null && fromSummary !== null && fromExit !== fromSummary) {
    findings.push({
      severity: "warning",
      code: "K6_THRESHOLD_SOURCES_DISAGREE",
      message: `k6 exited ${k6.exitCode} but its summary says its thresholds ${fromSummary ? "passed" : "crossed"}; are the files from the same run?`,
    });
  }
  return fromExit ?? fromSummary;
}

/**
 * Judges k6 evidence against an SLO profile: every objective gets a tier and
 * an outcome; the run's tier is the lowest among mandatory objectives and it
 * passes when that reaches the required tier (core/verdict.ts). A functional
 * run (profile `evaluation.kind`, or the scenario's declareFunctional()) is
 * judged on checks and failed requests instead (core/functional-run.ts).
 * Pure: same input, same output.
 */
export function evaluateEvidence(options: EvaluateOptions): ReportInput {
  const { profile, evidence } = options;
  const requiredTier = options.requiredTier ?? profile.requiredTier;
  const k6 = options.k6 ?? {};
  const selected = selectEvidenceWindow(
    profile,
    evidence,
    options.window ?? profile.evaluation.window,
  );
  const external = options.external ?? [];
  const context = { requiredTier, settings: profile.evaluation, load: selected.load };
  const measure = (spec: ObjectiveSpec) =>
    spec.source === "k6" ? selected.measure(spec) : measureExternal(spec, external);
  const decision = decideFunctional(profile.evaluation.kind, evidence);
  const functional = decision.functional
    ? judgeFunctionalRun({
        decision,
        objectives: profile.objectives,
        evidence,
        selected,
        context,
        measure,
      })
    : null;
  const findings: Finding[] = [
    ...evidence.findings,
    ...(functional ? functional.findings : selected.findings),
  ];
  const objectives =
    functional?.objectives ??
    profile.objectives.map((spec) => judgeObjective(spec, measure(spec), context));
  for (const objective of objectives) {
    if (!objective.mandatory && objective.verdict === "fail") {
      findings.push({
        severity: "info",
        code: "INFORMATIONAL_OBJECTIVE_MISSED",
        message: `${objective.id} (informational) did not reach ${requiredTier}: ${objective.reason}`,
      });
    }
  }

  const complete = k6.exitEvidence !== false;
  if (!complete) {
    findings.push({
      severity: "warning",
      code: "K6_EXIT",
      message: `k6 exited ${k6.exitCode ?? "abnormally"}${k6.exitDescription ? ` (${k6.exitDescription})` : ""}; its results are incomplete, so the run cannot be judged`,
    });
  }
  const thresholdsPassed = decideK6Thresholds(k6, evidence, findings);
  const crossedThresholds =
    evidence.kind === "summary" && evidence.thresholds
      ? evidence.thresholds.filter((t) => !t.passed).map((t) => `${t.key}: ${t.expression}`)
      : [];

  const verdict = buildVerdict({
    profile: profile.name,
    requiredTier,
    window: selected.window,
    k6: {
      kind: "evidence",
      version: k6.version ?? (evidence.kind === "summary" ? evidence.k6Version : null),
      exitCode: k6.exitCode ?? null,
      thresholdsPassed,
      crossedThresholds,
      complete,
    },
    objectives,
    findings,
    ...(options.findings ? { sourceFindings: options.findings } : {}),
    ...(options.prometheus
      ? {
          prometheus: {
            ...options.prometheus,
            policy: profile.prometheus?.onMismatch ?? "finding",
          },
        }
      : {}),
    ...(options.interruptedBy !== undefined ? { interruptedBy: options.interruptedBy } : {}),
    ...(options.run ? { run: options.run } : {}),
    ...(options.comparison ? { comparison: options.comparison } : {}),
    ...(options.inProgress !== undefined ? { inProgress: options.inProgress } : {}),
  });
  const streamWindow = selected.streamWindow;
  return {
    verdict,
    timeline: evidence.kind === "stream" ? buildTimeline(evidence) : [],
    routes:
      evidence.kind === "stream" && streamWindow ? buildRouteRows(evidence, streamWindow) : [],
    // Reports hide query values in URLs except these (src/redact.ts).
    ...(profile.redaction
      ? { redaction: { showQueryValues: [...profile.redaction.showQueryValues] } }
      : {}),
  };
}
