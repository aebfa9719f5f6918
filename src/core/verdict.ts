import type { VerdictComparison } from "./comparison-block.js";
import type { WindowInfo } from "./measurement.js";
import { attachPrometheusSection, type AttachPrometheusOptions } from "./prometheus-agreement.js";
import { lowerTier } from "./tiers.js";
import {
  VERDICT_SCHEMA_VERSION,
  type Finding,
  type ObjectiveResult,
  type Outcome,
  type RequiredTier,
  type Tier,
  type Verdict,
} from "./types.js";

/** Which run a verdict belongs to: written into it as `run`. */
export type RunIdentity = NonNullable<Verdict["run"]>;

/** The k6 process behind a verdict. */
export type K6Part =
  /** No k6 ran: `slogate serve` judges a live service from Prometheus alone. */
  | { kind: "none" }
  /** k6 left results and they were judged. */
  | {
      kind: "evidence";
      version: string | null;
      exitCode: number | null;
      /** k6's own threshold result: true passed, false crossed, null unknown. */
      thresholdsPassed: boolean | null;
      /** The thresholds k6 crossed as `metric: expression`, quoted when they disagree with a pass. */
      crossedThresholds: readonly string[];
      /** False when k6's exit leaves its results incomplete: the verdict is then error. */
      complete: boolean;
    }
  /** k6 left nothing to judge (it rejected its options, the script threw): error, no tier. */
  | { kind: "no-evidence"; version: string | null; exitCode: number | null };

export interface BuildVerdictOptions {
  /** The profile's name. */
  profile: string;
  requiredTier: RequiredTier;
  window: WindowInfo;
  k6: K6Part;
  /** Every objective of the profile, judged, in the profile's order. */
  objectives: ObjectiveResult[];
  /** What the evaluation found, in order. */
  findings: readonly Finding[];
  /** Findings from another source (Prometheus), placed after the k6 cross-check. */
  sourceFindings?: readonly Finding[];
  /** Prometheus's reading of the same window: adds the `prometheus` section under its policy. */
  prometheus?: AttachPrometheusOptions;
  /** The signal that cut the run short, e.g. `SIGINT`. */
  interruptedBy?: string;
  /** Why the run is not over yet (its totals still grow): a pass cannot stand. */
  inProgress?: string;
  run?: RunIdentity;
  /** The run compared with a baseline: a regression fails it, an inconclusive comparison holds a pass back unless advisory. */
  comparison?: VerdictComparison;
}

/**
 * The run's outcome from its mandatory objectives, worst first: any fail
 * fails the run, then any error, then any inconclusive; informational
 * objectives never decide it. A k6 exit that left incomplete results is an
 * error whatever the objectives say, since they were judged on part of a run.
 */
export function combineOutcome(objectives: readonly ObjectiveResult[], k6Broken: boolean): Outcome {
  if (k6Broken) return "error";
  const mandatory = objectives.filter((objective) => objective.mandatory);
  for (const outcome of ["fail", "error", "inconclusive"] as const) {
    if (mandatory.some((objective) => objective.verdict === outcome)) return outcome;
  }
  return "pass";
}

/**
 * The run's tier: the lowest among mandatory objectives, or null when one of
 * them has none (it could not be judged, so neither can the run's tier).
 */
export function combineTier(objectives: readonly ObjectiveResult[]): Tier | null {
  let tier: Tier = "excellent";
  for (const objective of objectives) {
    if (!objective.mandatory) continue;
    if (objective.tier === null) return null;
    tier = lowerTier(tier, objective.tier);
  }
  return tier;
}

/** k6's own thresholds against the SLO verdict: a disagreement is worth a line, never a change. */
function crossCheckK6(k6: K6Part, outcome: Outcome): Finding[] {
  if (k6.kind !== "evidence") return [];
  if (k6.thresholdsPassed === false && outcome === "pass") {
    const crossed = k6.crossedThresholds;
    return [
      {
        severity: "warning",
        code: "K6_THRESHOLDS_DISAGREE",
        message: `k6 reported crossed thresholds${crossed.length > 0 ? ` (${crossed.join("; ")})` : ""} but the SLO verdict is pass: k6 judged the whole run, per route, or thresholds of the script itself`,
      },
    ];
  }
  if (k6.thresholdsPassed === true && outcome === "fail") {
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
 * A run cut short is not evidence that the full test would pass: a pass
 * becomes inconclusive; a fail stays (the breach was seen), as does an error.
 */
function applyInterruption(verdict: Verdict, signal: string): Verdict {
  const finding: Finding = {
    severity: "warning",
    code: "RUN_INTERRUPTED",
    message: `the run was interrupted by ${signal}; only the part that ran was judged`,
  };
  return {
    ...verdict,
    verdict: verdict.verdict === "pass" ? "inconclusive" : verdict.verdict,
    findings: [...verdict.findings, finding],
  };
}

function listObjectives(comparison: VerdictComparison, verdict: string): string {
  return comparison.objectives
    .filter((objective) => objective.mandatory && objective.verdict === verdict)
    .map((objective) => objective.id)
    .join(", ");
}

/**
 * The second gate: a regression of a mandatory objective fails a run the
 * tiers passed (or could not judge); an inconclusive comparison makes a pass
 * inconclusive unless the comparison is advisory. A fail or an error stays.
 * The comparison is added as the verdict's `comparison` block.
 */
function applyComparison(verdict: Verdict, comparison: VerdictComparison): Verdict {
  const findings: Finding[] = [];
  let outcome = verdict.verdict;
  if (comparison.verdict === "regressed") {
    findings.push({
      severity: "warning",
      code: "BASELINE_REGRESSED",
      message: `worse than the baseline beyond the margin: ${listObjectives(comparison, "regressed")}`,
    });
    if (outcome === "pass" || outcome === "inconclusive") outcome = "fail";
  } else if (comparison.verdict === "inconclusive") {
    const held = outcome === "pass" && !comparison.advisory;
    findings.push({
      severity: held ? "warning" : "info",
      code: "BASELINE_INCONCLUSIVE",
      message: `the comparison with the baseline cannot decide ${listObjectives(comparison, "inconclusive") || "any objective"}${held ? "; a pass needs a decided comparison (or --baseline-advisory)" : ""}`,
    });
    if (held) outcome = "inconclusive";
  }
  return {
    ...verdict,
    verdict: outcome,
    findings: [...verdict.findings, ...findings],
    comparison,
  };
}

function describeWindow(window: WindowInfo): Verdict["window"] {
  return {
    // Empty when the evidence does not say (a summary's steady window).
    from: window.fromMs === null ? "" : new Date(window.fromMs).toISOString(),
    to: window.toMs === null ? "" : new Date(window.toMs).toISOString(),
    kind: window.kind,
    seconds: window.seconds ?? 0,
  };
}

/**
 * Assembles a verdict from judged objectives; the one place they combine.
 * In order: the outcome and tier (combineOutcome, combineTier); the findings,
 * then k6's thresholds against the outcome, then the other source's
 * findings; Prometheus's section and its mismatch policy
 * (attachPrometheusSection); the comparison with a baseline
 * (applyComparison); and last an interruption, which keeps any pass from
 * standing. Pure: the inputs are left as they were.
 */
export function buildVerdict(options: BuildVerdictOptions): Verdict {
  const { k6, objectives } = options;
  const judged = k6.kind !== "no-evidence";
  const outcome = judged
    ? combineOutcome(objectives, k6.kind === "evidence" && !k6.complete)
    : "error";
  let verdict: Verdict = {
    schemaVersion: VERDICT_SCHEMA_VERSION,
    verdict: outcome,
    requiredTier: options.requiredTier,
    achievedTier: judged ? combineTier(objectives) : null,
    profile: options.profile,
    window: describeWindow(options.window),
    k6: {
      version: k6.kind === "none" ? null : k6.version,
      exitCode: k6.kind === "none" ? null : k6.exitCode,
      thresholdsPassed: k6.kind === "evidence" ? k6.thresholdsPassed : null,
    },
    ...(options.run ? { run: { ...options.run } } : {}),
    objectives,
    findings: [
      ...options.findings,
      ...crossCheckK6(k6, outcome),
      ...(options.sourceFindings ?? []),
    ],
  };
  if (options.prometheus) verdict = attachPrometheusSection(verdict, options.prometheus);
  if (options.comparison && judged) verdict = applyComparison(verdict, options.comparison);
  if (options.interruptedBy !== undefined) {
    verdict = applyInterruption(verdict, options.interruptedBy);
  }
  if (options.inProgress !== undefined) {
    verdict = {
      ...verdict,
      verdict: verdict.verdict === "pass" ? "inconclusive" : verdict.verdict,
      findings: [
        ...verdict.findings,
        { severity: "warning", code: "RUN_IN_PROGRESS", message: options.inProgress },
      ],
    };
  }
  return verdict;
}
