import { InternalError } from "../errors.js";
import type { SummaryEvidence, SummaryMetric } from "./evidence.js";
import { formatSelector, selectorTagSets } from "./k6-thresholds.js";
import type { Measurement, WindowInfo } from "./measurement.js";
import { findSummaryMetric } from "./measure-summary.js";
import { formatStat, type EvaluationSettings, type ObjectiveSpec, type Stat } from "./profile.js";
import { findRequiredSamples } from "./sample-rules.js";

function statValue(entry: SummaryMetric, stat: Stat): number | undefined {
  if (stat.kind === "percentile") {
    return (
      entry.values[`p(${stat.percent})`] ?? (stat.percent === 50 ? entry.values.med : undefined)
    );
  }
  return entry.values[stat.kind];
}

/** How many samples stand behind a trend entry: its own `count` stat, else the matching request counters. */
function countTrendSamples(
  summary: SummaryEvidence,
  entry: SummaryMetric,
  responses: "expected" | "all",
): number | null {
  if (entry.values.count !== undefined) return entry.values.count;
  if (entry.metric !== "http_req_duration") return null;
  const requests = findSummaryMetric(summary, "http_reqs", entry.tags)?.values.count;
  if (requests !== undefined) return requests;
  const rest = Object.fromEntries(
    Object.entries(entry.tags).filter(([key]) => key !== "expected_response"),
  );
  const failed = findSummaryMetric(summary, "http_req_failed", rest)?.values;
  if (failed?.passes === undefined || failed.fails === undefined) return null;
  // A rate's `passes` counts non-zero samples: failed requests for http_req_failed.
  return responses === "expected" ? failed.fails : failed.passes + failed.fails;
}

interface Reading {
  selector: string;
  entry: SummaryMetric;
  value: number;
  samples: number;
}

function missing(reason: string, value?: number): Measurement {
  return {
    kind: "missing",
    outcome: "inconclusive",
    reason,
    ...(value === undefined ? {} : { value }),
  };
}

/**
 * Why a summary has no sub-metric for a route name, and what to do: the
 * names it does hold for the metric, or that k6 kept none (it keeps a
 * per-name sub-metric only for a threshold that names it).
 */
function describeMissingName(summary: SummaryEvidence, metric: string): string {
  const held = [
    ...new Set(
      summary.metrics.flatMap((entry) =>
        entry.metric === metric && entry.tags.name !== undefined ? [entry.tags.name] : [],
      ),
    ),
  ].sort();
  const selectHow =
    "set requests.names in the profile to the names to judge (or leave it out to judge every request)";
  if (held.length === 0) {
    return `; the summary holds no per-name ${metric} figures (k6 keeps one only for a threshold naming it): ${selectHow}, or pass NDJSON (--out json)`;
  }
  return `; the summary holds ${metric} for the names ${held.slice(0, 5).join(", ")}${held.length > 5 ? ` and ${held.length - 5} more` : ""}: ${selectHow}`;
}

/** One sub-metric's value and sample count, or why the summary cannot give them. */
function readSelector(
  summary: SummaryEvidence,
  spec: ObjectiveSpec,
  tags: Record<string, string>,
): Reading | Measurement {
  if (spec.measure.kind !== "k6")
    throw new InternalError("NOT_K6_OBJECTIVE", "readSelector: not a k6 objective");
  const { metric, stat, responses } = spec.measure;
  const selector = formatSelector(metric, tags);
  const entry = findSummaryMetric(summary, metric, tags);
  if (!entry) {
    const hint = tags.name === undefined ? "" : describeMissingName(summary, metric);
    return missing(`the summary has no ${selector}${hint}`);
  }
  if (stat.kind === "perSecond" || stat.kind === "count") {
    const count = entry.values.count;
    if (count === undefined) return missing(`the summary has no count for ${selector}`);
    return { selector, entry, value: count, samples: count };
  }
  const value = statValue(entry, stat);
  if (value === undefined) {
    return missing(
      `the summary has no ${formatStat(stat)} for ${selector}; add it to --summary-trend-stats or pass NDJSON`,
    );
  }
  let samples: number | null;
  if (entry.type === "rate") samples = (entry.values.passes ?? 0) + (entry.values.fails ?? 0);
  else if (entry.type === "counter") samples = entry.values.count ?? null;
  else if (entry.type === "gauge") samples = 1;
  else samples = countTrendSamples(summary, entry, responses);
  if (samples === null) {
    return missing(
      `the summary does not say how many samples ${selector} has; add count to --summary-trend-stats or pass NDJSON`,
      value,
    );
  }
  return { selector, entry, value, samples };
}

/**
 * Pools per-route sub-metrics. Counts, rates, averages, minima and maxima
 * combine exactly. Percentiles do not, but a pooled percentile always lies
 * between the routes' smallest and largest (a mixture's p-quantile is
 * bracketed by its components'), so the pair is a range the judge can use.
 */
function poolReadings(
  spec: ObjectiveSpec,
  stat: Stat,
  readings: Reading[],
  settings: EvaluationSettings,
): Measurement {
  const samples = readings.reduce((sum, r) => sum + r.samples, 0);
  switch (stat.kind) {
    case "rate": {
      const failed = readings.reduce((sum, r) => sum + (r.entry.values.passes ?? 0), 0);
      return samples > 0
        ? { kind: "value", value: failed / samples, samples }
        : missing("no samples in the summary");
    }
    case "count":
    case "perSecond":
      return { kind: "value", value: samples, samples };
    case "avg":
      return samples > 0
        ? {
            kind: "value",
            value: readings.reduce((sum, r) => sum + r.value * r.samples, 0) / samples,
            samples,
          }
        : missing("no samples in the summary");
    case "min":
      return { kind: "value", value: Math.min(...readings.map((r) => r.value)), samples };
    case "max":
      return { kind: "value", value: Math.max(...readings.map((r) => r.value)), samples };
    case "percentile": {
      const needed = findRequiredSamples(stat, settings.minTailSamples);
      const thin = readings.find((r) => r.samples < needed);
      if (thin) {
        return missing(
          `${thin.selector} has ${thin.samples} samples; ${formatStat(stat)} of each route needs ≥ ${needed} to bound the pooled value`,
        );
      }
      const values = readings.map((r) => r.value);
      return { kind: "bounds", low: Math.min(...values), high: Math.max(...values), samples };
    }
    default:
      return missing(
        `${spec.id}: ${formatStat(stat)} cannot be pooled across routes from a summary`,
      );
  }
}

/** Measures one k6 objective from a summary; anything the summary lacks is inconclusive, never guessed. */
export function measureSummaryObjective(
  spec: ObjectiveSpec,
  summary: SummaryEvidence,
  window: WindowInfo,
  settings: EvaluationSettings,
): Measurement {
  if (spec.measure.kind !== "k6") {
    throw new InternalError("NOT_K6_OBJECTIVE", "measureSummaryObjective: not a k6 objective");
  }
  const { stat } = spec.measure;
  if (
    stat.kind === "perSecond" &&
    (window.kind === "steady" || window.seconds === null || window.seconds <= 0)
  ) {
    return missing(
      "a summary's counter rate covers the whole run, not the steady window; pass NDJSON (--out json)",
    );
  }
  const readings: Reading[] = [];
  for (const tags of selectorTagSets(spec, window.kind === "steady" ? "steady" : "all")) {
    const reading = readSelector(summary, spec, tags);
    if ("kind" in reading) return reading;
    readings.push(reading);
  }
  const pooled: Measurement =
    readings.length === 1 && readings[0]
      ? { kind: "value", value: readings[0].value, samples: readings[0].samples }
      : poolReadings(spec, stat, readings, settings);
  if (stat.kind === "perSecond" && pooled.kind === "value" && window.seconds) {
    return { kind: "value", value: pooled.value / window.seconds, samples: pooled.samples };
  }
  return pooled;
}
