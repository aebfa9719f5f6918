import type { MetricSeries, PhaseStats, RequestGroup, StreamEvidence } from "./evidence.js";
import { createHistogram, type Histogram } from "./histogram.js";
import { classifyStatus, createPhaseStats } from "./k6-accumulator.js";
import {
  addNativeBuckets,
  readResolution,
  type HistogramResolution,
  type NativeBucket,
} from "./native-histogram.js";
import type { Finding } from "./types.js";

/**
 * One k6 run read back from the metrics its runners pushed to Prometheus
 * (remote write, one `testid`), as the same StreamEvidence k6 NDJSON gives,
 * so the same evaluation judges it. Pure: the source passes the series.
 *
 * k6 pushes cumulative values per series (phase × route × method × status ×
 * expectedness × runner), so a series' last sample is its total: counters
 * and native histograms summed over series and runners are exact. Durations
 * keep the native histograms' resolution (see native-histogram.ts). A phase
 * runs from its first to its last pushed sample: push times, so a window is
 * known to about one push interval.
 */

/** A series as read: its labels, and its samples in time order (ms). */
export interface RemoteSeries {
  labels: Record<string, string>;
  points: { timeMs: number; value: number }[];
}

export interface RemoteHistogramSeries {
  labels: Record<string, string>;
  samples: { timeMs: number; count: number; sum: number; buckets: NativeBucket[] }[];
}

export interface RemoteRunSeries {
  /** Where it was read, for reports: e.g. `Prometheus http://…, testid=run-1`. */
  origin: string;
  /** When it was read, ms. */
  nowMs: number;
  vus: RemoteSeries[];
  httpReqs: RemoteSeries[];
  httpReqDurations: RemoteHistogramSeries[];
  iterations: RemoteSeries[];
  droppedIterations: RemoteSeries[];
  offeredRate: RemoteSeries[];
  functional: RemoteSeries[];
  checks: RemoteSeries[];
  /**
   * The newest sample time at a second look, a few push intervals later
   * (taken when the run's last push was recent); null without one.
   */
  secondLookLastMs?: number | null;
  /** Other trends the profile judges, by k6 metric name; `time` when pushed in seconds. */
  trends: { metric: string; time: boolean; series: RemoteHistogramSeries[] }[];
}

/** What is known about the run as a whole. */
export interface RemoteRunStatus {
  /** Series found for the test id at all. */
  found: boolean;
  firstMs: number | null;
  lastMs: number | null;
  /** The typical gap between pushes, ms; null with fewer than two pushes. */
  pushIntervalMs: number | null;
  /** Why the run looks unfinished (VUs still active at its last push, which is recent); null when finished. */
  inProgress: string | null;
  resolution: HistogramResolution | null;
}

const last = <T>(items: readonly T[]): T | undefined => items[items.length - 1];

/**
 * The typical gap between one runner's pushes, ms: the median gap within each
 * k6_vus series (one per runner), then the median over runners; runners push
 * at nearly the same moments, so gaps across runners would be milliseconds.
 * Null with fewer than two pushes.
 */
export function readPushIntervalMs(vus: readonly RemoteSeries[]): number | null {
  const perRunner = vus.flatMap((series) => {
    const gaps = series.points
      .slice(1)
      .map((p, i) => p.timeMs - (series.points[i]?.timeMs ?? p.timeMs))
      .filter((gap) => gap > 0);
    const gap = median(gaps);
    return gap === null ? [] : [gap];
  });
  return median(perRunner);
}

function lastValue(series: RemoteSeries): number {
  return last(series.points)?.value ?? 0;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}

/**
 * How long one runner's phase ran, from its cumulative iteration counter:
 * its total over the median rate of its interior push intervals (the first
 * and last intervals are partial). Null with fewer than two interior intervals.
 */
function estimateSeriesSeconds(series: RemoteSeries): number | null {
  const points = series.points;
  const rates: number[] = [];
  for (let i = 2; i < points.length - 1; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (!a || !b || b.timeMs <= a.timeMs) continue;
    rates.push(((b.value - a.value) * 1000) / (b.timeMs - a.timeMs));
  }
  const rate = rates.length >= 2 ? median(rates) : null;
  const total = lastValue(series);
  return rate !== null && rate > 0 && total > 0 ? total / rate : null;
}

function extendPhase(
  phases: Map<string, PhaseStats>,
  phase: string,
  series: RemoteSeries,
): PhaseStats {
  const stats = phases.get(phase) ?? createPhaseStats(phase);
  phases.set(phase, stats);
  const first = series.points[0]?.timeMs;
  const end = last(series.points)?.timeMs;
  if (first !== undefined)
    stats.firstMs = stats.firstMs === null ? first : Math.min(stats.firstMs, first);
  if (end !== undefined) stats.lastMs = stats.lastMs === null ? end : Math.max(stats.lastMs, end);
  return stats;
}

/** A series' identity across metrics: its labels without the metric name. */
export function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.entries(labels)
      .filter(([name]) => name !== "__name__")
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

function toExpected(value: string | undefined): boolean | null {
  return value === "true" ? true : value === "false" ? false : null;
}

/** Merges the last sample of every histogram series into one HDR histogram per key. */
function lastHistograms(
  series: readonly RemoteHistogramSeries[],
  scale: number,
): { byKey: Map<string, Histogram>; unrecordable: number; buckets: NativeBucket[] } {
  const byKey = new Map<string, Histogram>();
  let unrecordable = 0;
  let buckets: NativeBucket[] = [];
  for (const entry of series) {
    const sample = last(entry.samples);
    if (!sample) continue;
    const key = seriesKey(entry.labels);
    const histogram = byKey.get(key) ?? createHistogram();
    byKey.set(key, histogram);
    unrecordable += addNativeBuckets(histogram, sample.buckets, scale);
    if (buckets.length === 0) buckets = sample.buckets;
  }
  return { byKey, unrecordable, buckets };
}

function describeRunStatus(
  input: RemoteRunSeries,
  resolution: HistogramResolution | null,
): RemoteRunStatus {
  const all = [...input.vus, ...input.httpReqs, ...input.iterations];
  let firstMs: number | null = null;
  let lastMs: number | null = null;
  for (const point of all.flatMap((s) => s.points)) {
    firstMs = firstMs === null ? point.timeMs : Math.min(firstMs, point.timeMs);
    lastMs = lastMs === null ? point.timeMs : Math.max(lastMs, point.timeMs);
  }
  const found = firstMs !== null || input.httpReqDurations.length > 0;
  const pushIntervalMs = readPushIntervalMs(input.vus);
  // A run that just ended looks like a running one until the next push would be
  // due; only a second look tells: new samples since the first mean it still runs.
  let inProgress: string | null = null;
  const later = input.secondLookLastMs ?? null;
  if (later !== null && lastMs !== null && later > lastMs) {
    inProgress = `the run is still in progress: its runners pushed new samples while it was read (${Math.round((later - lastMs) / 1000)} s later), so its totals are still growing; judge it once the run has ended`;
  }
  return { found, firstMs, lastMs, pushIntervalMs, inProgress, resolution };
}

/** The run's StreamEvidence (phases, request groups, trends) and what is known about the run. */
export function buildRemoteEvidence(input: RemoteRunSeries): {
  evidence: StreamEvidence;
  status: RemoteRunStatus;
} {
  const findings: Finding[] = [];
  const phases = new Map<string, PhaseStats>();
  let hasPhaseTags = false;
  const phaseOf = (labels: Record<string, string>) => {
    if (labels.phase !== undefined) hasPhaseTags = true;
    return labels.phase ?? "";
  };

  // Request groups: counts from k6_http_reqs_total, durations from the native histograms.
  const durations = lastHistograms(input.httpReqDurations, 1e6);
  const groups = new Map<string, RequestGroup>();
  for (const series of input.httpReqs) {
    const { labels } = series;
    const phase = phaseOf(labels);
    extendPhase(phases, phase, series);
    const expected = toExpected(labels.expected_response);
    const statusClass = classifyStatus(labels.status ?? null);
    const key = JSON.stringify([
      phase,
      labels.name ?? "",
      labels.method ?? "",
      statusClass,
      expected,
    ]);
    const group = groups.get(key) ?? {
      phase,
      name: labels.name ?? "",
      method: labels.method ?? "",
      statusClass,
      expected,
      requests: 0,
      failed: 0,
      failedSamples: 0,
      durations: createHistogram(),
    };
    groups.set(key, group);
    const requests = Math.round(lastValue(series));
    group.requests += requests;
    // k6's http_req_failed is the negation of expected_response, one sample per request.
    if (expected !== null) group.failedSamples += requests;
    if (expected === false) group.failed += requests;
    const histogram = durations.byKey.get(seriesKey(labels));
    if (histogram) group.durations.add(histogram);
  }
  const durationsByPhase = new Map<string, number[]>();
  for (const series of input.iterations) {
    const phase = phaseOf(series.labels);
    extendPhase(phases, phase, series).iterations += Math.round(lastValue(series));
    const seconds = estimateSeriesSeconds(series);
    if (seconds !== null)
      durationsByPhase.set(phase, [...(durationsByPhase.get(phase) ?? []), seconds]);
  }
  // Push times only bound a phase to a push interval; its steady rate tells its length better.
  for (const [phase, seconds] of durationsByPhase) {
    const stats = phases.get(phase);
    const length = median(seconds);
    if (stats?.lastMs != null && length !== null) stats.firstMs = stats.lastMs - length * 1000;
  }
  for (const series of input.droppedIterations) {
    extendPhase(phases, phaseOf(series.labels), series).droppedIterations += Math.round(
      lastValue(series),
    );
  }
  if (input.checks.length > 0) {
    findings.push({
      severity: "info",
      code: "K6_CHECKS_AS_RATIO",
      message:
        "k6 pushes checks to Prometheus as a ratio without counts, so checks are not judged from Prometheus; judge the runners' NDJSON for them",
    });
  }

  const resolution = readResolution(durations.buckets);
  const metrics: MetricSeries[] = [];
  for (const trend of input.trends) {
    const byPhase = new Map<string, RemoteHistogramSeries[]>();
    for (const series of trend.series) {
      const phase = phaseOf(series.labels);
      byPhase.set(phase, [...(byPhase.get(phase) ?? []), series]);
    }
    for (const [phase, series] of byPhase) {
      const read = lastHistograms(series, trend.time ? 1e6 : 1e3);
      const histogram = createHistogram();
      for (const h of read.byKey.values()) histogram.add(h);
      const sum = series.reduce((total, s) => total + (last(s.samples)?.sum ?? 0), 0);
      metrics.push({
        metric: trend.metric,
        type: "trend",
        contains: trend.time ? "time" : "default",
        phase,
        count: histogram.totalCount,
        sum: trend.time ? sum * 1000 : sum,
        nonZero: histogram.totalCount,
        min: histogram.totalCount > 0 ? histogram.minNonZeroValue / 1000 : 0,
        max: histogram.totalCount > 0 ? histogram.maxValue / 1000 : 0,
        last: 0,
        lastMs: 0,
        histogram,
        unrecordable: read.unrecordable,
      });
    }
  }

  const offered = input.offeredRate.flatMap((s) => s.points).sort((a, b) => a.timeMs - b.timeMs);
  const status = describeRunStatus(input, resolution);
  if (!status.found) {
    findings.push({
      severity: "warning",
      code: "K6_PROMETHEUS_NO_SERIES",
      message: `no k6 series in ${input.origin}: check the test id, that the runners pushed with remote write (K6_PROMETHEUS_RW_SERVER_URL) and that the run falls within the lookback`,
    });
  }
  if (status.found) {
    const growth = resolution?.growthFactor;
    const interval =
      status.pushIntervalMs === null
        ? "one push interval"
        : `one push interval (${(status.pushIntervalMs / 1000).toFixed(1)} s)`;
    findings.push({
      severity: "info",
      code: "K6_PROMETHEUS_RESOLUTION",
      message:
        (resolution && growth
          ? `read from ${input.origin}: request counts exact; durations from k6's native histograms, schema ${resolution.schema} (bucket bounds ×${growth.toFixed(4)} apart), so a percentile is known to its bucket, about ±${(((growth - 1) / (growth + 1)) * 100).toFixed(1)} %`
          : `read from ${input.origin}: request counts exact; no native-histogram durations found (was K6_FEATURES=native-histograms set on the runners?)`) +
        `; each phase's window from push times, to about ${interval}`,
    });
  }
  const evidence: StreamEvidence = {
    kind: "stream",
    files: [],
    origin: input.origin,
    selection: { kind: "phases" },
    groups: [...groups.values()],
    phases,
    metrics,
    metricTypes: new Map([
      ["http_reqs", { type: "counter", contains: "default" }],
      ["http_req_duration", { type: "trend", contains: "time" }],
      ["http_req_failed", { type: "rate", contains: "default" }],
      ["iterations", { type: "counter", contains: "default" }],
      ...input.trends.map(
        (t) =>
          [t.metric, { type: "trend" as const, contains: t.time ? "time" : "default" }] as const,
      ),
    ]),
    offeredRatePerSecond: last(offered)?.value ?? null,
    functional: input.functional.some((s) => lastValue(s) > 0),
    unattributedDroppedIterations: 0,
    hasPhaseTags,
    timeline: [],
    timelineBucketSeconds: 1,
    points: 0,
    lines: 0,
    findings,
    ...(resolution ? { resolution } : {}),
  };
  return { evidence, status };
}
