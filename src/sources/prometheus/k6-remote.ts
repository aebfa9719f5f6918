import {
  buildRemoteEvidence,
  readPushIntervalMs,
  seriesKey,
  type RemoteHistogramSeries,
  type RemoteRunSeries,
  type RemoteRunStatus,
  type RemoteSeries,
} from "../../core/k6-remote-evidence.js";
import type { StreamEvidence } from "../../core/evidence.js";
import { PrometheusError } from "../../errors.js";
import {
  buildK6LatestQuery,
  buildK6RunSamplesQuery,
  buildK6TrendSamplesQuery,
  k6RemoteSeriesName,
} from "../../promql/k6-remote-queries.js";
import { redactUrl } from "../../redact.js";
import { queryInstant, type PromSeries, type PrometheusConnection } from "./client.js";

/** Metrics read for every run; a profile's other trends are read by name. */
const BUILT_IN = new Set([
  "http_reqs",
  "http_req_duration",
  "http_req_failed",
  "iterations",
  "dropped_iterations",
  "checks",
]);

export interface ReadK6FromPrometheusOptions {
  connection: PrometheusConnection;
  /** The runs' `testid` tag (k6-operator TestRun, `slogate run --prometheus`). */
  testId: string;
  /** How far back from now the run may have started, seconds (24 h by default). */
  lookbackSeconds?: number;
  /** k6 metrics the profile judges; trends among them are read too. */
  trackMetrics?: readonly string[];
  now?: () => Date;
  /** Waits before the second look at a run whose last push is recent; a timer by default. */
  sleep?: (ms: number) => Promise<void>;
}

export interface K6FromPrometheus {
  evidence: StreamEvidence;
  status: RemoteRunStatus;
  queryCount: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Above this many distinct last-push times, every raw histogram sample is read instead. */
const MAX_LAST_PUSH_TIMES = 40;

/**
 * The last native-histogram sample of every duration series, without
 * downloading every sample of a long run: a duration series is pushed with
 * its http_reqs series, so each is read by an instant query at that
 * series' last push time (few distinct times: one per runner and phase end).
 */
async function readLastHistograms(
  read: (promql: string, histograms?: boolean, atMs?: number) => Promise<PromSeries[]>,
  seriesName: string,
  testId: string,
  httpReqs: PromSeries[],
  everySample: () => string,
): Promise<PromSeries[]> {
  const lastPush = new Map<string, number>();
  for (const series of httpReqs) {
    const last = series.points[series.points.length - 1];
    if (last) lastPush.set(seriesKey(series.labels), last[0] * 1000);
  }
  const times = [...new Set(lastPush.values())];
  if (times.length > MAX_LAST_PUSH_TIMES) return read(everySample(), true);
  const found = new Map<string, PromSeries>();
  for (const timeMs of times) {
    const answer = await read(buildK6LatestQuery(seriesName, testId), true, timeMs);
    for (const series of answer) {
      const key = seriesKey(series.labels);
      const sample = series.histograms?.[0];
      if (sample && lastPush.get(key) === timeMs && Math.abs(sample[0] * 1000 - timeMs) < 1) {
        found.set(key, series);
      }
    }
  }
  // A series whose last duration sample was not where its counter's was: read every sample.
  if (found.size < lastPush.size) return read(everySample(), true);
  return [...found.values()];
}

function toSeries(series: PromSeries): RemoteSeries {
  return {
    labels: series.labels,
    points: series.points.map(([seconds, value]) => ({ timeMs: seconds * 1000, value })),
  };
}

function toHistogramSeries(series: PromSeries): RemoteHistogramSeries {
  return {
    labels: series.labels,
    samples: (series.histograms ?? []).map(([seconds, histogram]) => ({
      timeMs: seconds * 1000,
      ...histogram,
    })),
  };
}

/**
 * Reads one k6 run (all its runners) from the metrics k6 pushed to
 * Prometheus with remote write, tagged `testid`: the same evidence k6 NDJSON
 * gives, with durations at native-histogram resolution. Prometheus not
 * answering is a PrometheusError (the verdict is then `error`); a test id
 * without series is evidence without requests, which never passes.
 */
export async function readK6FromPrometheus(
  options: ReadK6FromPrometheusOptions,
): Promise<K6FromPrometheus> {
  const nowMs = (options.now?.() ?? new Date()).getTime();
  const lookback = options.lookbackSeconds ?? 24 * 3600;
  const origin = `Prometheus ${redactUrl(options.connection.url)}, testid=${options.testId}`;
  let queryCount = 0;
  const read = async (promql: string, histograms = false, atMs = nowMs): Promise<PromSeries[]> => {
    queryCount += 1;
    const outcome = await queryInstant(options.connection, promql, atMs, { histograms });
    if (outcome.kind === "error") {
      throw new PrometheusError(
        "K6_PROMETHEUS_QUERY_FAILED",
        `${origin}: ${outcome.message} (query ${promql}); check --k6-prometheus and its credentials`,
      );
    }
    return outcome.series;
  };
  const samples = (name: string) => buildK6RunSamplesQuery(name, options.testId, lookback);
  const counters = (metric: string) => samples(k6RemoteSeriesName(metric, "counter"));
  const trendMetrics = (options.trackMetrics ?? []).filter((metric) => !BUILT_IN.has(metric));
  const [vus, httpReqs, iterations, dropped, offered, functional, checks, ...trends] =
    await Promise.all([
      read(samples(k6RemoteSeriesName("vus", "gauge"))),
      read(counters("http_reqs")),
      read(counters("iterations")),
      read(counters("dropped_iterations")),
      read(samples(k6RemoteSeriesName("slogate_offered_rate", "gauge"))),
      read(counters("slogate_functional")),
      read(samples(k6RemoteSeriesName("checks", "rate"))),
      ...trendMetrics.map((metric) =>
        read(buildK6TrendSamplesQuery(metric, options.testId, lookback), true),
      ),
    ]);
  const durations = await readLastHistograms(
    read,
    k6RemoteSeriesName("http_req_duration", "time-trend"),
    options.testId,
    httpReqs,
    () => samples(k6RemoteSeriesName("http_req_duration", "time-trend")),
  );
  // The last push is recent: look again once the next pushes would be due.
  const newest = (series: PromSeries[]) =>
    series.reduce(
      (latest, s) => s.points.reduce((time, [seconds]) => Math.max(time, seconds * 1000), latest),
      -Infinity,
    );
  const lastMs = Math.max(newest(vus), newest(httpReqs));
  // k6 pushes every 5 s unless told otherwise.
  const intervalMs = readPushIntervalMs(vus.map(toSeries)) ?? 5000;
  let secondLookLastMs: number | null = null;
  // A last push this recent may be followed by more: look again after the next one is due.
  if (Number.isFinite(lastMs) && nowMs - lastMs < Math.max(2 * intervalMs + 2000, 15_000)) {
    const waitMs = Math.min(Math.max(intervalMs + 1500, 2 * intervalMs + 1000), 15_000);
    await (options.sleep ?? sleep)(waitMs);
    const again = await read(
      samples(k6RemoteSeriesName("vus", "gauge")),
      false,
      (options.now?.() ?? new Date()).getTime(),
    );
    const later = newest(again);
    secondLookLastMs = Number.isFinite(later) ? later : null;
  }
  const input: RemoteRunSeries = {
    secondLookLastMs,
    origin,
    nowMs,
    vus: vus.map(toSeries),
    httpReqs: httpReqs.map(toSeries),
    httpReqDurations: durations.map(toHistogramSeries),
    iterations: iterations.map(toSeries),
    droppedIterations: dropped.map(toSeries),
    offeredRate: offered.map(toSeries),
    functional: functional.map(toSeries),
    checks: checks.map(toSeries),
    trends: trendMetrics.map((metric, i) => {
      const series = (trends[i] ?? []).filter((s) => s.histograms !== undefined);
      return {
        metric,
        time: series.some((s) => s.labels.__name__?.endsWith("_seconds") === true),
        series: series.map(toHistogramSeries),
      };
    }),
  };
  return { ...buildRemoteEvidence(input), queryCount };
}
