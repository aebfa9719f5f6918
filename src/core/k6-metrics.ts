import type { K6MetricType, MetricSeries } from "./evidence.js";
import { createHistogram, toMicroseconds } from "./histogram.js";

/** The few tags evaluation needs; the reader fills one reused object per point. */
export interface PointTags {
  phase: string | null;
  name: string | null;
  method: string | null;
  status: string | null;
  expected: string | null;
  scenario: string | null;
  /** The `check` tag of a `checks` point: the check's name. Absent where no reader fills it. */
  check?: string | null;
}

export type MetricRole =
  | "http_reqs"
  | "http_req_duration"
  | "http_req_failed"
  | "iterations"
  | "dropped_iterations"
  | "checks"
  | "offered_rate"
  | "functional"
  | "series"
  | "skip"
  | "undeclared";

export interface MetricInfo {
  name: string;
  type: K6MetricType;
  contains: string;
  role: MetricRole;
}

/** k6's built-in metrics and their types, so points are understood even without their Metric line. */
export const BUILT_INS: Record<string, K6MetricType> = {
  http_reqs: "counter",
  http_req_duration: "trend",
  http_req_failed: "rate",
  http_req_blocked: "trend",
  http_req_connecting: "trend",
  http_req_tls_handshaking: "trend",
  http_req_sending: "trend",
  http_req_waiting: "trend",
  http_req_receiving: "trend",
  iterations: "counter",
  iteration_duration: "trend",
  dropped_iterations: "counter",
  checks: "rate",
  vus: "gauge",
  vus_max: "gauge",
  data_sent: "counter",
  data_received: "counter",
};

export const ROLES: Record<string, MetricRole> = {
  http_reqs: "http_reqs",
  http_req_duration: "http_req_duration",
  http_req_failed: "http_req_failed",
  iterations: "iterations",
  dropped_iterations: "dropped_iterations",
  checks: "checks",
  slogate_offered_rate: "offered_rate",
  slogate_functional: "functional",
};

/** Adds one value of a metric to its per-phase series (created on first use). */
export function addSeriesPoint(
  all: Map<string, MetricSeries>,
  info: MetricInfo,
  phase: string,
  timeMs: number,
  value: number,
): void {
  const key = `${info.name}\u0000${phase}`;
  let series = all.get(key);
  if (!series) {
    series = {
      metric: info.name,
      type: info.type,
      contains: info.contains,
      phase,
      count: 0,
      sum: 0,
      nonZero: 0,
      min: Number.POSITIVE_INFINITY,
      max: Number.NEGATIVE_INFINITY,
      last: value,
      lastMs: timeMs,
      histogram: info.type === "trend" ? createHistogram() : null,
      unrecordable: 0,
    };
    all.set(key, series);
  }
  series.count++;
  series.sum += value;
  if (value !== 0) series.nonZero++;
  if (value < series.min) series.min = value;
  if (value > series.max) series.max = value;
  if (timeMs >= series.lastMs) {
    series.last = value;
    series.lastMs = timeMs;
  }
  if (series.histogram) {
    if (value >= 0 && Number.isFinite(value)) series.histogram.recordValue(toMicroseconds(value));
    else series.unrecordable++;
  }
}
