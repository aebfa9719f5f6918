import type {
  ObjectiveResult,
  Outcome,
  PrometheusSection,
  RequiredTier,
  Tier,
  TrafficFigures,
  Unit,
  Verdict,
} from "../core/types.js";

/** Shown where a number is missing (no evidence). */
export const MISSING = "n/a";

const TIER_LABELS: Record<Tier, string> = {
  none: "below Target",
  target: "Target",
  good: "Good",
  excellent: "Excellent",
};

const OUTCOME_WORDS: Record<Outcome, string> = {
  pass: "PASS",
  fail: "FAIL",
  inconclusive: "INCONCLUSIVE",
  error: "ERROR",
};

/** `PASS`, `FAIL`, `INCONCLUSIVE`, `ERROR`. */
export function formatOutcome(outcome: Outcome): string {
  return OUTCOME_WORDS[outcome];
}

/** `Target`, `Good`, `Excellent`, or `below Target` for `none`. */
export function formatTierLabel(tier: Tier): string {
  return TIER_LABELS[tier];
}

/**
 * A number with as many digits as a reader needs: integers as they are,
 * one decimal from 100 up, two from 1 up, two significant digits below 1.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  const text =
    magnitude >= 100 ? value.toFixed(1) : magnitude >= 1 ? value.toFixed(2) : value.toPrecision(2);
  return text.includes("e") ? text : text.replace(/\.?0+$/, "");
}

/** A value in its unit; ratios are shown as percent (`0.0004` → `0.04 %`). */
export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return MISSING;
  if (unit === "ratio") return `${formatNumber(value * 100)} %`;
  return `${formatNumber(value)} ${unit}`;
}

/** The condition a tier puts on the value: `< 200 ms`, `≥ 150 req/s`. */
export function formatBound(objective: ObjectiveResult, tier: RequiredTier): string {
  const { bounds } = objective;
  const operator = bounds.direction === "max" ? "<" : "≥";
  return `${operator} ${formatValue(bounds[tier], objective.unit)}`;
}

/**
 * One line a CI log can show for an objective:
 * `latency_p95 = 263.2 ms; Good needs < 200 ms; achieved target, required good`.
 */
export function describeObjective(objective: ObjectiveResult, requiredTier: RequiredTier): string {
  const value = formatValue(objective.value, objective.unit);
  const need = `${formatTierLabel(requiredTier)} needs ${formatBound(objective, requiredTier)}`;
  const achieved = objective.tier ?? "none (not judged)";
  return `${objective.id} = ${value}; ${need}; achieved ${achieved}, required ${requiredTier}`;
}

/** `steady window 2025-03-01T12:00:00.000Z → 2025-03-01T12:01:00.000Z (60 s)`. */
export function formatWindow(window: Verdict["window"]): string {
  return `${window.kind} window ${window.from} → ${window.to} (${formatNumber(window.seconds)} s)`;
}

/** `k6 v2.2.0, exit 0, thresholds passed`; unknown parts are left out. */
export function formatK6(k6: Verdict["k6"]): string {
  const parts = [`k6 ${k6.version ?? "version unknown"}`];
  if (k6.exitCode !== null) parts.push(`exit ${k6.exitCode}`);
  if (k6.thresholdsPassed !== null) {
    parts.push(k6.thresholdsPassed ? "thresholds passed" : "thresholds crossed");
  }
  return parts.join(", ");
}

/** `required good, achieved target` (achieved `none` when nothing was judged). */
export function formatTiers(verdict: Verdict): string {
  return `required ${verdict.requiredTier}, achieved ${verdict.achievedTier ?? "none"}`;
}

/**
 * The Prometheus part in one line: `server 452 req, 2.1 % errors, p95 145 ms
 * in (100, 150] ms, 37.7 req/s · k6 455 req, … · Prometheus 1012 ms (scrape
 * wait 960 ms, 14 queries 52 ms)`.
 */
export function formatPrometheusSection(section: PrometheusSection): string {
  const { server, client, timing } = section;
  const bucket = server.p95BucketMs;
  const inBucket = bucket
    ? ` in (${formatNumber(bucket.lowerMs)}, ${bucket.upperMs === null ? "+Inf" : formatNumber(bucket.upperMs)}] ms`
    : "";
  const cost = `Prometheus ${timing.totalMs} ms (scrape wait ${timing.scrapeWaitMs} ms, ${timing.queryCount} queries ${timing.queriesMs} ms)`;
  return `server ${formatFigures(server, inBucket)} · k6 ${formatFigures(client, "")} · ${cost}`;
}

function formatFigures(figures: TrafficFigures, p95Suffix: string): string {
  return [
    `${figures.requests ?? MISSING} req`,
    `${formatValue(figures.errorRatio, "ratio")} errors`,
    `p95 ${formatValue(figures.p95Ms, "ms")}${figures.p95Ms === null ? "" : p95Suffix}`,
    formatValue(figures.requestsPerSecond, "req/s"),
  ].join(", ");
}
