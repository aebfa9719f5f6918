import type { StreamEvidence } from "./evidence.js";
import { mergeHistograms, readPercentileMs, type Histogram } from "./histogram.js";
import type { StreamWindow } from "./stream-window.js";
import type { RouteRow, TimelinePoint } from "./types.js";

function readQuantiles(histogram: Histogram): Pick<RouteRow, "p50Ms" | "p95Ms" | "p99Ms"> {
  return {
    p50Ms: readPercentileMs(histogram, 50),
    p95Ms: readPercentileMs(histogram, 95),
    p99Ms: readPercentileMs(histogram, 99),
  };
}

/**
 * One row per route and method inside the window, busiest first. Requests
 * and failures count every response; latencies are of expected (successful)
 * responses, like the latency objective, so a fast error page cannot make a
 * route look quick.
 */
export function buildRouteRows(evidence: StreamEvidence, window: StreamWindow): RouteRow[] {
  const rows = new Map<
    string,
    { name: string; method: string; requests: number; failed: number; histograms: Histogram[] }
  >();
  for (const group of evidence.groups) {
    if (!window.phases.has(group.phase)) continue;
    const key = `${group.name}\u0000${group.method}`;
    let row = rows.get(key);
    if (!row) {
      row = { name: group.name, method: group.method, requests: 0, failed: 0, histograms: [] };
      rows.set(key, row);
    }
    row.requests += group.requests;
    row.failed += group.failed;
    if (group.expected !== false) row.histograms.push(group.durations);
  }
  const seconds = window.seconds ?? 0;
  return [...rows.values()]
    .map((row) => ({
      name: row.name,
      method: row.method,
      requests: row.requests,
      failed: row.failed,
      ratePerSecond: seconds > 0 ? row.requests / seconds : 0,
      ...readQuantiles(mergeHistograms(row.histograms)),
    }))
    .sort(
      (a, b) =>
        b.requests - a.requests || a.name.localeCompare(b.name) || a.method.localeCompare(b.method),
    );
}

/** The whole run in time buckets (at most a chart's worth), for every phase. */
export function buildTimeline(evidence: StreamEvidence): TimelinePoint[] {
  return evidence.timeline.map((bucket) => ({
    startMs: bucket.startMs,
    seconds: evidence.timelineBucketSeconds,
    requests: bucket.requests,
    failed: bucket.failed,
    ...readQuantiles(bucket.durations),
  }));
}
