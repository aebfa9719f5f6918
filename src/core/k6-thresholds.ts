import { formatStat, type ObjectiveSpec, type SloProfile } from "./profile.js";
import type { RequiredTier } from "./types.js";

/** One entry of a k6 `thresholds` array. */
export type K6Threshold =
  string | { threshold: string; abortOnFail: boolean; delayAbortEval: string };

/** A k6 `options.thresholds` object: metric selector → thresholds. */
export type K6Thresholds = Record<string, K6Threshold[]>;

export interface BuildK6ThresholdsOptions {
  /** The tier k6's own pass/fail should mirror; the profile's requiredTier by default. */
  requiredTier?: RequiredTier;
}

/** Writes a bound without exponent notation, which k6's threshold parser does not read. */
export function formatThresholdNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(12).replace(/0+$/, "").replace(/\.$/, "");
}

/** `metric{a:1,b:2}` with tags sorted, as k6 selects sub-metrics. */
export function formatSelector(metric: string, tags: Record<string, string>): string {
  const keys = Object.keys(tags).sort();
  if (keys.length === 0) return metric;
  return `${metric}{${keys.map((key) => `${key}:${tags[key]}`).join(",")}}`;
}

/**
 * The tag sets an objective's k6 thresholds are written for. k6 sub-metrics
 * match tags by equality and cannot express "one of", so an objective over
 * several routes gets one selector per route (each route must then meet the
 * bound: stricter than slogate's pooled percentile), and one over several
 * methods drops the method tag (broader).
 */
export function selectorTagSets(
  objective: ObjectiveSpec,
  window: "steady" | "all",
): Record<string, string>[] {
  if (objective.measure.kind !== "k6") return [];
  const base: Record<string, string> = {};
  if (window === "steady") base.phase = "steady";
  const scope = objective.measure.scope;
  if (!scope) return [base];
  if (scope.methods?.length === 1 && scope.methods[0]) base.method = scope.methods[0];
  if (
    objective.measure.metric === "http_req_duration" &&
    objective.measure.responses === "expected"
  ) {
    base.expected_response = "true";
  }
  if (!scope.names) return [base];
  return scope.names.map((name) => ({ ...base, name }));
}

function statExpression(objective: ObjectiveSpec, bound: number): string | null {
  if (objective.measure.kind !== "k6") return null;
  const stat = objective.measure.stat;
  // A counter's `rate` in k6 divides by the whole test's duration, so it cannot
  // express a steady-state req/s: throughput is judged by slogate only.
  if (stat.kind === "perSecond" || stat.kind === "count") return null;
  const operator = objective.bounds.direction === "max" ? "<" : ">=";
  return `${formatStat(stat)}${operator}${formatThresholdNumber(bound)}`;
}

function add(thresholds: K6Thresholds, key: string, entry: K6Threshold): void {
  const list = (thresholds[key] ??= []);
  const text = typeof entry === "string" ? entry : entry.threshold;
  const duplicate = list.some((existing) =>
    typeof existing === "string"
      ? existing === text && typeof entry === "string"
      : existing.threshold === text,
  );
  if (!duplicate) list.push(entry);
}

/**
 * Builds k6 `thresholds` from a profile (tiers already resolved into it), so
 * the SLO is defined in one place and passed to scenarios as
 * SLOGATE_THRESHOLDS. Per k6 objective and selector:
 * - the required tier's bound, so k6's own exit code mirrors the verdict;
 * - the gross-breach level (`abortAt`) with abortOnFail, to stop a hopeless
 *   run early (delayAbortEval lets the first samples in);
 * - for latency, `http_reqs{same tags}: count>=0`, which never fails but
 *   makes k6's summaries carry the sample count slogate needs.
 * Thresholds are scoped to the profile's window (phase:steady by default);
 * informational (non-mandatory) objectives get none.
 */
export function buildK6Thresholds(
  profile: SloProfile,
  options: BuildK6ThresholdsOptions = {},
): K6Thresholds {
  const requiredTier = options.requiredTier ?? profile.requiredTier;
  const thresholds: K6Thresholds = {};
  for (const objective of profile.objectives) {
    // Informational objectives never decide the verdict, so they must not fail or abort k6 either.
    if (objective.measure.kind !== "k6" || !objective.mandatory) continue;
    const required = statExpression(objective, objective.bounds[requiredTier]);
    if (required === null) continue;
    const abort = objective.abortAt === null ? null : statExpression(objective, objective.abortAt);
    for (const tags of selectorTagSets(objective, profile.evaluation.window)) {
      const key = formatSelector(objective.measure.metric, tags);
      add(thresholds, key, required);
      if (abort !== null) {
        add(thresholds, key, {
          threshold: abort,
          abortOnFail: true,
          delayAbortEval: profile.k6.delayAbortEval,
        });
      }
      if (objective.measure.metric === "http_req_duration") {
        add(thresholds, formatSelector("http_reqs", tags), "count>=0");
      }
    }
  }
  return thresholds;
}
