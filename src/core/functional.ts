import type { K6Evidence, StreamEvidence, SummaryEvidence } from "./evidence.js";
import { buildObjectiveResult } from "./evaluate-objective.js";
import { formatCount } from "./format-value.js";
import type { Measurement } from "./measurement.js";
import { findSummaryMetric } from "./measure-summary.js";
import { BUILT_IN_OBJECTIVES, type EvaluationKind, type ObjectiveSpec } from "./objectives.js";
import type { ObjectiveResult, RequiredTier, TierBounds } from "./types.js";

/**
 * Functional runs (smoke tests) ask "does every endpoint work?", not "is p95
 * inside a tier?". Their verdict rests on two things a handful of requests
 * can show: every k6 check passed, and no request failed (k6's
 * http_req_failed, i.e. a status the script did not expect). Latency and
 * throughput are still measured and shown, as informational objectives,
 * because 13 requests cannot show a p95 (sample-rules.ts) and a smoke test
 * offers no load to measure throughput against.
 */

/** Whether a run is judged as functional, and who said so. */
export type FunctionalDecision =
  { functional: false } | { functional: true; declaredBy: "profile" | "scenario" };

/** Whether the k6 results carry the scenario's declareFunctional() marker (scenarios/lib/functional.ts). */
export function hasFunctionalMarker(evidence: K6Evidence): boolean {
  if (evidence.kind === "stream") return evidence.functional;
  const marker = findSummaryMetric(evidence, "slogate_functional", {})?.values;
  return (marker?.count ?? marker?.value ?? 0) > 0;
}

/** The profile's `evaluation.kind` decides; `auto` follows the scenario's marker. */
export function decideFunctional(kind: EvaluationKind, evidence: K6Evidence): FunctionalDecision {
  if (kind === "functional") return { functional: true, declaredBy: "profile" };
  if (kind === "auto" && hasFunctionalMarker(evidence))
    return { functional: true, declaredBy: "scenario" };
  return { functional: false };
}

/** Checks counted in the judged window, with the failing ones by name (see sortFailing). */
export interface CheckTally {
  passed: number;
  failed: number;
  failing: { name: string; count: number }[];
  /** False when the evidence counts failures but cannot name them (a summary without groups). */
  named: boolean;
}

/**
 * Most failures first; ties keep the evidence's order, i.e. the order the
 * checks first failed in, so the first broken step of a script leads.
 */
function sortFailing(byName: ReadonlyMap<string, number>): CheckTally["failing"] {
  return [...byName].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count);
}

/** Checks in the given phases of NDJSON evidence. */
export function countStreamChecks(
  evidence: StreamEvidence,
  phases: ReadonlySet<string>,
): CheckTally {
  let passed = 0;
  let failed = 0;
  const byName = new Map<string, number>();
  for (const phase of phases) {
    const stats = evidence.phases.get(phase);
    if (!stats) continue;
    passed += stats.checksPassed;
    failed += stats.checksFailed;
    for (const [name, count] of stats.failedChecks) {
      byName.set(name, (byName.get(name) ?? 0) + count);
    }
  }
  return { passed, failed, failing: sortFailing(byName), named: true };
}

/** Checks of a whole-run summary; null when it has no `checks` metric (the script made none). */
export function countSummaryChecks(evidence: SummaryEvidence): CheckTally | null {
  const values = findSummaryMetric(evidence, "checks", {})?.values;
  if (values?.passes === undefined || values.fails === undefined) return null;
  // For a rate, `passes` counts true samples: checks that held.
  const byName = new Map<string, number>();
  for (const check of evidence.checks ?? []) {
    if (check.fails > 0) byName.set(check.name, check.fails);
  }
  return {
    passed: values.passes,
    failed: values.fails,
    failing: sortFailing(byName),
    named: evidence.checks !== null && evidence.checks !== undefined,
  };
}

/** How many failing checks a reason names before summarizing the rest. */
const NAMED_CHECKS = 5;

function describeFailing(tally: CheckTally): string {
  if (!tally.named || tally.failing.length === 0) {
    return "the evidence does not name them (pass k6's NDJSON, --out json, to see which)";
  }
  const shown = tally.failing
    .slice(0, NAMED_CHECKS)
    .map(({ name, count }) => `${JSON.stringify(name === "" ? "(unnamed)" : name)} ×${count}`);
  const rest = tally.failing.length - shown.length;
  return `${shown.join(", ")}${rest > 0 ? ` and ${rest} more` : ""}`;
}

/** Every check must hold: the bound is 100% at every tier. */
export const CHECKS_BOUNDS: TierBounds = { direction: "min", target: 1, good: 1, excellent: 1 };

/** The spec of the checks objective a functional run adds (k6's `checks` rate). */
export function buildChecksSpec(id: string): ObjectiveSpec {
  return {
    id,
    description: "share of k6 checks that passed; a functional run needs every one",
    source: "k6",
    mandatory: true,
    unit: "ratio",
    bounds: { ...CHECKS_BOUNDS },
    tierRow: null,
    measure: {
      kind: "k6",
      metric: "checks",
      stat: { kind: "rate" },
      scope: null,
      responses: "all",
    },
    abortAt: null,
  };
}

/**
 * The failed-requests objective a functional run adds when the profile has
 * none measuring http_req_failed: every request the script made, none may fail.
 */
export function buildFailedRequestsSpec(id: string): ObjectiveSpec {
  const builtIn = BUILT_IN_OBJECTIVES.error_rate;
  return {
    id,
    description: "requests k6 counted as failed (http_req_failed); a functional run allows none",
    source: "k6",
    mandatory: true,
    unit: "ratio",
    bounds: { direction: "max", target: 0, good: 0, excellent: 0 },
    tierRow: null,
    measure: builtIn?.measure ?? {
      kind: "k6",
      metric: "http_req_failed",
      stat: { kind: "rate" },
      scope: null,
      responses: "all",
    },
    abortAt: null,
  };
}

/**
 * Every check passed, with at least one check run: zero checks is no
 * evidence that anything works, so it is inconclusive, never a pass. A failed
 * check fails the run, and the reason names the checks that failed.
 */
export function judgeChecks(
  spec: ObjectiveSpec,
  tally: CheckTally | null,
  where: string,
): ObjectiveResult {
  const total = tally === null ? 0 : tally.passed + tally.failed;
  if (tally === null || total === 0) {
    return buildObjectiveResult(
      spec,
      null,
      0,
      null,
      "inconclusive",
      `no k6 checks ran ${where}; a functional run is judged on its checks: add check() calls to the scenario`,
    );
  }
  const value = tally.passed / total;
  if (tally.failed > 0) {
    return buildObjectiveResult(
      spec,
      value,
      total,
      "none",
      "fail",
      `${formatCount(tally.failed)} of ${formatCount(total)} checks failed ${where}: ${describeFailing(tally)}`,
    );
  }
  return buildObjectiveResult(
    spec,
    value,
    total,
    "excellent",
    "pass",
    `all ${formatCount(total)} checks passed ${where}`,
  );
}

/** Whether the objective counts failed requests (k6's http_req_failed rate). */
export function isFailedRequestsObjective(spec: ObjectiveSpec): boolean {
  return (
    spec.measure.kind === "k6" &&
    spec.measure.metric === "http_req_failed" &&
    spec.measure.stat.kind === "rate"
  );
}

/**
 * No request failed: k6's http_req_failed is 0 over the objective's requests.
 * A rate bound needs hundreds of requests to be shown (sample-rules.ts); "none
 * failed" needs only that requests were made. A pass claims the required tier
 * and no better, since so few requests cannot show a finer rate.
 */
export function judgeFailedRequests(
  spec: ObjectiveSpec,
  measurement: Measurement,
  requiredTier: RequiredTier,
): ObjectiveResult | null {
  if (measurement.kind !== "value") return null;
  const { value, samples } = measurement;
  const failed = Math.round(value * samples);
  if (samples === 0) return null;
  if (failed > 0) {
    return buildObjectiveResult(
      spec,
      value,
      samples,
      "none",
      "fail",
      `${formatCount(failed)} of ${formatCount(samples)} requests failed (http_req_failed: a status the script did not expect); a functional run allows none`,
    );
  }
  return buildObjectiveResult(
    spec,
    value,
    samples,
    requiredTier,
    "pass",
    `none of ${formatCount(samples)} requests failed (http_req_failed)`,
  );
}

/** Latency and throughput objectives: what a functional run reports but does not judge. */
export function isInformationalInFunctionalRun(spec: ObjectiveSpec): boolean {
  return spec.unit === "ms" || spec.unit === "req/s";
}

/** The judged objective, shown but no longer deciding the run, with why. */
export function markInformational(result: ObjectiveResult): ObjectiveResult {
  const what = result.unit === "ms" ? "latency" : "throughput";
  return {
    ...result,
    mandatory: false,
    reason: `informational: a functional run is judged on checks and failed requests, not ${what}; ${result.reason}`,
  };
}

/** An objective id not yet used by the profile: `preferred`, else `preferred` with a suffix. */
export function pickFreeId(preferred: string, taken: ReadonlySet<string>): string {
  if (!taken.has(preferred)) return preferred;
  for (let n = 2; ; n++) {
    const candidate = `${preferred}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
