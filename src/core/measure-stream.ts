import { InternalError } from "../errors.js";
import type { MetricSeries, RequestGroup, StreamEvidence } from "./evidence.js";
import { formatCount } from "./format-value.js";
import { mergeHistograms, readPercentileMs, type Histogram } from "./histogram.js";
import type { Measurement } from "./measurement.js";
import type { HistogramResolution } from "./native-histogram.js";
import { formatStat, type ObjectiveSpec, type RequestScope, type Stat } from "./profile.js";
import type { StreamWindow } from "./stream-window.js";

/** Whether a request group is inside the window and the objective's scope. */
export function groupMatches(
  group: RequestGroup,
  window: StreamWindow,
  scope: RequestScope | null,
): boolean {
  if (!window.phases.has(group.phase)) return false;
  if (!scope) return true;
  if (scope.names && !scope.names.includes(group.name)) return false;
  if (scope.methods && !scope.methods.includes(group.method)) return false;
  return true;
}

function describeScope(scope: RequestScope | null): string {
  if (!scope || (!scope.names && !scope.methods)) return "any request";
  const names = scope.names ? scope.names.join(", ") : "any route";
  return scope.methods ? `${scope.methods.join("/")} ${names}` : names;
}

const TREND_STATS = new Set<Stat["kind"]>(["percentile", "avg", "min", "max"]);

/** A value from a histogram holding value × 1000 (µs for time metrics). */
function readHistogramStat(histogram: Histogram, stat: Stat): number | null {
  if (histogram.totalCount === 0) return null;
  switch (stat.kind) {
    case "percentile":
      return readPercentileMs(histogram, stat.percent);
    case "avg":
      return histogram.mean / 1000;
    case "min":
      return histogram.getValueAtPercentile(0) / 1000;
    case "max":
      return histogram.maxValue / 1000;
    default:
      return null;
  }
}

function wrongStat(metric: string, type: string, stat: Stat): Measurement {
  return {
    kind: "missing",
    outcome: "error",
    reason: `${metric} is a ${type}; ${formatStat(stat)} does not apply to it (fix the profile's stat)`,
  };
}

/**
 * A trend statistic read from native-histogram buckets (each observation
 * recorded at its bucket's upper bound): a percentile, the mean, the minimum
 * and the maximum all lie in (value / growth, value].
 */
function withResolution(
  measurement: Measurement,
  stat: Stat,
  resolution: HistogramResolution | undefined,
): Measurement {
  if (!resolution || measurement.kind !== "value" || !TREND_STATS.has(stat.kind))
    return measurement;
  const growth = resolution.growthFactor;
  return {
    kind: "bounds",
    // The HDR readout of the bucket's upper bound may sit 0.1 % above it.
    low: measurement.value / growth / 1.001,
    high: measurement.value,
    samples: measurement.samples,
    basis: `a native-histogram bucket, schema ${resolution.schema}: bounds ×${growth.toFixed(4)} apart, ±${(((growth - 1) / (growth + 1)) * 100).toFixed(1)} % around its middle`,
    hint: "a tier whose bound falls inside the bucket cannot be claimed from Prometheus; judge the runners' NDJSON for the exact value",
  };
}

function measureHttp(
  spec: ObjectiveSpec,
  metric: string,
  stat: Stat,
  groups: RequestGroup[],
  window: StreamWindow,
): Measurement {
  const where = `for ${describeScope(spec.measure.kind === "k6" ? spec.measure.scope : null)} in the ${window.kind} window`;
  if (metric === "http_req_duration") {
    if (!TREND_STATS.has(stat.kind)) return wrongStat(metric, "trend", stat);
    const expectedOnly = spec.measure.kind === "k6" && spec.measure.responses === "expected";
    const merged = mergeHistograms(
      groups
        .filter((group) => !expectedOnly || group.expected !== false)
        .map((group) => group.durations),
    );
    const value = readHistogramStat(merged, stat);
    if (value === null) {
      return {
        kind: "missing",
        outcome: "inconclusive",
        reason: `no ${expectedOnly ? "successful " : ""}requests ${where}`,
        samples: 0,
      };
    }
    return { kind: "value", value, samples: merged.totalCount };
  }
  if (metric === "http_req_failed") {
    if (stat.kind !== "rate") return wrongStat(metric, "rate", stat);
    let failed = 0;
    let samples = 0;
    let requests = 0;
    for (const group of groups) {
      failed += group.failed;
      samples += group.failedSamples;
      requests += group.requests;
    }
    if (samples === 0) {
      return {
        kind: "missing",
        outcome: "inconclusive",
        reason:
          requests > 0
            ? `k6 recorded no http_req_failed samples ${where} (responseCallback disabled?)`
            : `no requests ${where}`,
        samples: 0,
      };
    }
    return { kind: "value", value: failed / samples, samples };
  }
  // http_reqs
  if (stat.kind !== "perSecond" && stat.kind !== "count") return wrongStat(metric, "counter", stat);
  const requests = groups.reduce((sum, group) => sum + group.requests, 0);
  if (stat.kind === "count") return { kind: "value", value: requests, samples: requests };
  const seconds = window.seconds ?? 0;
  if (seconds <= 0) {
    return {
      kind: "missing",
      outcome: "inconclusive",
      reason: `the ${window.kind} window has no duration`,
      samples: requests,
    };
  }
  return { kind: "value", value: requests / seconds, samples: requests };
}

function measureSeries(
  metric: string,
  stat: Stat,
  series: MetricSeries[],
  window: StreamWindow,
): Measurement {
  const inWindow = series.filter(
    (entry) => entry.metric === metric && window.phases.has(entry.phase),
  );
  const type = inWindow[0]?.type;
  if (!type) {
    return {
      kind: "missing",
      outcome: "inconclusive",
      reason: `no ${metric} samples in the ${window.kind} window`,
      samples: 0,
    };
  }
  const samples = inWindow.reduce((sum, entry) => sum + entry.count, 0);
  switch (type) {
    case "trend": {
      if (!TREND_STATS.has(stat.kind)) return wrongStat(metric, type, stat);
      const unrecordable = inWindow.reduce((sum, entry) => sum + entry.unrecordable, 0);
      if (unrecordable > 0) {
        return {
          kind: "missing",
          outcome: "error",
          reason: `${unrecordable} ${metric} samples are negative or not finite; slogate's histograms hold values ≥ 0`,
        };
      }
      const merged = mergeHistograms(
        inWindow.flatMap((entry) => (entry.histogram ? [entry.histogram] : [])),
      );
      const value = readHistogramStat(merged, stat);
      return value === null
        ? { kind: "missing", outcome: "inconclusive", reason: `no ${metric} samples`, samples: 0 }
        : { kind: "value", value, samples };
    }
    case "rate": {
      if (stat.kind !== "rate") return wrongStat(metric, type, stat);
      const nonZero = inWindow.reduce((sum, entry) => sum + entry.nonZero, 0);
      return { kind: "value", value: nonZero / samples, samples };
    }
    case "counter": {
      if (stat.kind !== "count" && stat.kind !== "perSecond") return wrongStat(metric, type, stat);
      const total = inWindow.reduce((sum, entry) => sum + entry.sum, 0);
      if (stat.kind === "count") return { kind: "value", value: total, samples };
      const seconds = window.seconds ?? 0;
      return seconds > 0
        ? { kind: "value", value: total / seconds, samples }
        : {
            kind: "missing",
            outcome: "inconclusive",
            reason: `the ${window.kind} window has no duration`,
            samples,
          };
    }
    case "gauge": {
      if (stat.kind !== "value" && stat.kind !== "min" && stat.kind !== "max")
        return wrongStat(metric, type, stat);
      if (stat.kind === "min")
        return { kind: "value", value: Math.min(...inWindow.map((e) => e.min)), samples };
      if (stat.kind === "max")
        return { kind: "value", value: Math.max(...inWindow.map((e) => e.max)), samples };
      const latest = inWindow.reduce((a, b) => (b.lastMs >= a.lastMs ? b : a));
      return { kind: "value", value: latest.last, samples };
    }
  }
}

/** How many request names the "no requests for …" reason lists. */
const LISTED_NAMES = 5;

/**
 * When a profile's request names match nothing in the window, what the
 * evidence calls its requests there (the busiest first, with counts) and how
 * to select them; null when some request matches a name, or the window holds
 * no requests at all (then the names are not what is wrong).
 */
export function describeUnmatchedNames(
  evidence: StreamEvidence,
  window: StreamWindow,
  names: readonly string[],
): string | null {
  const counts = new Map<string, number>();
  for (const group of evidence.groups) {
    if (!window.phases.has(group.phase) || group.requests === 0) continue;
    if (names.includes(group.name)) return null;
    counts.set(group.name, (counts.get(group.name) ?? 0) + group.requests);
  }
  if (counts.size === 0) return null;
  const ranked = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const listed = ranked
    .slice(0, LISTED_NAMES)
    .map(([name, requests]) => `${name} (${formatCount(requests)})`);
  const more = ranked.length > LISTED_NAMES ? ` and ${ranked.length - LISTED_NAMES} more` : "";
  return (
    `the requests there are named ${listed.join(", ")}${more}; ` +
    "set requests.names in the profile to the names to judge (or leave it out to judge every request), " +
    "or tag the scenario's requests with `name`"
  );
}

/** Measures one k6 objective over the window of NDJSON evidence. */
export function measureStreamObjective(
  spec: ObjectiveSpec,
  evidence: StreamEvidence,
  window: StreamWindow,
): Measurement {
  if (spec.measure.kind !== "k6")
    throw new InternalError("NOT_K6_OBJECTIVE", "measureStreamObjective: not a k6 objective");
  const { metric, stat, scope } = spec.measure;
  if (metric === "http_req_duration" || metric === "http_req_failed" || metric === "http_reqs") {
    const groups = evidence.groups.filter((group) => groupMatches(group, window, scope));
    const measurement = withResolution(
      measureHttp(spec, metric, stat, groups, window),
      stat,
      metric === "http_req_duration" ? evidence.resolution : undefined,
    );
    if (measurement.kind === "missing" && measurement.samples === 0 && scope?.names) {
      const hint = describeUnmatchedNames(evidence, window, scope.names);
      if (hint) return { ...measurement, reason: `${measurement.reason}; ${hint}` };
    }
    return measurement;
  }
  return withResolution(
    measureSeries(metric, stat, evidence.metrics, window),
    stat,
    evidence.resolution,
  );
}
