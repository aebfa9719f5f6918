import type { K6Evidence } from "./evidence.js";
import { judgeObjective } from "./evaluate-objective.js";
import type { ExternalMeasurement, LoadStatus, Measurement, WindowInfo } from "./measurement.js";
import { measureStreamObjective } from "./measure-stream.js";
import { assessSummaryLoad, selectSummaryWindow } from "./measure-summary.js";
import { measureSummaryObjective } from "./measure-summary-objective.js";
import type { ObjectiveSpec, SloProfile } from "./profile.js";
import { buildRouteRows, buildTimeline } from "./report-detail.js";
import { assessStreamLoad, selectStreamWindow, type StreamWindow } from "./stream-window.js";
import { lowerTier } from "./tiers.js";
import {
  VERDICT_SCHEMA_VERSION,
  type Finding,
  type ObjectiveResult,
  type Outcome,
  type ReportInput,
  type RequiredTier,
  type Tier,
} from "./types.js";

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

function combineOutcome(objectives: ObjectiveResult[], k6Broken: boolean): Outcome {
  if (k6Broken) return "error";
  const mandatory = objectives.filter((objective) => objective.mandatory);
  for (const outcome of ["fail", "error", "inconclusive"] as const) {
    if (mandatory.some((objective) => objective.verdict === outcome)) return outcome;
  }
  return "pass";
}

function combineTier(objectives: ObjectiveResult[]): Tier | null {
  let tier: Tier | null = "excellent";
  for (const objective of objectives) {
    if (!objective.mandatory) continue;
    if (objective.tier === null) return null;
    tier = lowerTier(tier, objective.tier);
  }
  return tier;
}

function crossCheckK6(
  thresholdsPassed: boolean | null,
  verdict: Outcome,
  evidence: K6Evidence,
): Finding[] {
  if (thresholdsPassed === false && verdict === "pass") {
    const crossed =
      evidence.kind === "summary" && evidence.thresholds
        ? evidence.thresholds
            .filter((threshold) => !threshold.passed)
            .map((t) => `${t.key}: ${t.expression}`)
        : [];
    return [
      {
        severity: "warning",
        code: "K6_THRESHOLDS_DISAGREE",
        message: `k6 reported crossed thresholds${crossed.length > 0 ? ` (${crossed.join("; ")})` : ""} but the SLO verdict is pass: k6 judged the whole run, per route, or thresholds of the script itself`,
      },
    ];
  }
  if (thresholdsPassed === true && verdict === "fail") {
    return [
      {
        severity: "info",
        code: "K6_THRESHOLDS_DISAGREE",
        message:
          "k6's own thresholds passed but the SLO verdict is fail: k6 saw different thresholds (or none) or its percentiles differ near the bound",
      },
    ];
  }
  return [];
}

/**
 * Judges k6 evidence against an SLO profile: every objective gets a tier and
 * an outcome; the run's tier is the lowest among mandatory objectives and it
 * passes when that reaches the required tier. Pure: same input, same output.
 */
export function evaluateEvidence(options: EvaluateOptions): ReportInput {
  const { profile, evidence } = options;
  const requiredTier = options.requiredTier ?? profile.requiredTier;
  const requested = options.window ?? profile.evaluation.window;
  const k6 = options.k6 ?? {};
  const findings: Finding[] = [...evidence.findings];

  let window: WindowInfo;
  let load: LoadStatus;
  let measure: (spec: ObjectiveSpec) => Measurement;
  let streamWindow: StreamWindow | null = null;
  if (evidence.kind === "stream") {
    const selected = selectStreamWindow(evidence, requested);
    streamWindow = selected.window;
    const assessed = assessStreamLoad(evidence, selected.window, profile.evaluation);
    findings.push(...selected.findings, ...assessed.findings);
    window = selected.window;
    load = assessed.load;
    const chosen = selected.window;
    measure = (spec) => measureStreamObjective(spec, evidence, chosen);
  } else {
    const selected = selectSummaryWindow(evidence, requested);
    const assessed = assessSummaryLoad(evidence, selected.window, profile.evaluation);
    findings.push(...selected.findings, ...assessed.findings);
    window = selected.window;
    load = assessed.load;
    const chosen = selected.window;
    measure = (spec) => measureSummaryObjective(spec, evidence, chosen, profile.evaluation);
  }

  const external = options.external ?? [];
  const context = { requiredTier, settings: profile.evaluation, load };
  const objectives = profile.objectives.map((spec) =>
    judgeObjective(
      spec,
      spec.source === "k6" ? measure(spec) : measureExternal(spec, external),
      context,
    ),
  );
  for (const objective of objectives) {
    if (!objective.mandatory && objective.verdict === "fail") {
      findings.push({
        severity: "info",
        code: "INFORMATIONAL_OBJECTIVE_MISSED",
        message: `${objective.id} (informational) did not reach ${requiredTier}: ${objective.reason}`,
      });
    }
  }

  const k6Broken = k6.exitEvidence === false;
  if (k6Broken) {
    findings.push({
      severity: "warning",
      code: "K6_EXIT",
      message: `k6 exited ${k6.exitCode ?? "abnormally"}${k6.exitDescription ? ` (${k6.exitDescription})` : ""}; its results are incomplete, so the run cannot be judged`,
    });
  }
  const thresholdsPassed = decideK6Thresholds(k6, evidence, findings);
  const verdict = combineOutcome(objectives, k6Broken);
  findings.push(...crossCheckK6(thresholdsPassed, verdict, evidence));

  return {
    verdict: {
      schemaVersion: VERDICT_SCHEMA_VERSION,
      verdict,
      requiredTier,
      achievedTier: combineTier(objectives),
      profile: profile.name,
      window: {
        // Empty when the evidence does not say (a summary's steady window).
        from: window.fromMs === null ? "" : new Date(window.fromMs).toISOString(),
        to: window.toMs === null ? "" : new Date(window.toMs).toISOString(),
        kind: window.kind,
        seconds: window.seconds ?? 0,
      },
      k6: {
        version: k6.version ?? (evidence.kind === "summary" ? evidence.k6Version : null),
        exitCode: k6.exitCode ?? null,
        thresholdsPassed,
      },
      objectives,
      findings,
    },
    timeline: evidence.kind === "stream" ? buildTimeline(evidence) : [],
    routes:
      evidence.kind === "stream" && streamWindow ? buildRouteRows(evidence, streamWindow) : [],
  };
}
