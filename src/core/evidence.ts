import type { Histogram } from "./histogram.js";
import type { HistogramResolution } from "./native-histogram.js";
import type { Finding } from "./types.js";

export type K6MetricType = "counter" | "gauge" | "rate" | "trend";

/** Which points count: by phase tag (the window is picked later) or an explicit time range. */
export type PointSelection = { kind: "phases" } | { kind: "range"; fromMs: number; toMs: number };

/** Requests sharing phase, route, method, status class and expectedness. */
export interface RequestGroup {
  /** The phase tag; `range` for points inside an explicit range; "" when untagged. */
  phase: string;
  name: string;
  method: string;
  /** `2xx`…`5xx`, or `error` for status 0 (no response). */
  statusClass: string;
  /** k6's expected_response tag; null when k6 did not tag it (responseCallback disabled). */
  expected: boolean | null;
  /** Sum of http_reqs. */
  requests: number;
  /** Sum of http_req_failed (1 per failed request). */
  failed: number;
  /** Number of http_req_failed samples (0 when k6 emitted none). */
  failedSamples: number;
  /** http_req_duration in µs. */
  durations: Histogram;
}

export interface PhaseStats {
  phase: string;
  /** First and last http_reqs / iterations point, Unix ms; null when none. */
  firstMs: number | null;
  lastMs: number | null;
  iterations: number;
  droppedIterations: number;
  checksPassed: number;
  checksFailed: number;
  /** Failures by check name (the `check` tag; "" when untagged), bounded in the number of names. */
  failedChecks: Map<string, number>;
}

/** Any other metric, aggregated per phase. */
export interface MetricSeries {
  metric: string;
  type: K6MetricType;
  contains: string;
  phase: string;
  /** Samples seen. */
  count: number;
  sum: number;
  /** Samples with a non-zero value (a rate's "true" count). */
  nonZero: number;
  min: number;
  max: number;
  /** Latest value by time (gauges). */
  last: number;
  lastMs: number;
  /** Trends only: values ×1000 as integers (µs for time trends); null for other types. */
  histogram: Histogram | null;
  /** Trend values the histogram could not hold (negative or not finite). */
  unrecordable: number;
}

export interface TimelineBucketData {
  startMs: number;
  requests: number;
  failed: number;
  /** Durations of expected responses, µs. */
  durations: Histogram;
}

/** Everything read from k6 NDJSON files, aggregated; bounded in size whatever the input size. */
export interface StreamEvidence {
  kind: "stream";
  files: string[];
  selection: PointSelection;
  groups: RequestGroup[];
  phases: Map<string, PhaseStats>;
  metrics: MetricSeries[];
  /** Declared metric types, by name. */
  metricTypes: Map<string, { type: K6MetricType; contains: string }>;
  /** Latest slogate_offered_rate (steady iterations/s the scenario offered); null when absent. */
  offeredRatePerSecond: number | null;
  /** Whether the scenario declared itself functional (a slogate_functional point, scenarios/lib/functional.ts). */
  functional: boolean;
  /** Dropped iterations whose scenario could not be tied to a phase: they count against every window. */
  unattributedDroppedIterations: number;
  /** Whether any point carried a phase tag. */
  hasPhaseTags: boolean;
  timeline: TimelineBucketData[];
  timelineBucketSeconds: number;
  /** Points and lines read, over all files. */
  points: number;
  lines: number;
  /** Things noticed while reading (undeclared metrics, too many route names). */
  findings: Finding[];
  /**
   * Set when durations and trends come from Prometheus native histograms:
   * each value was recorded at its bucket's upper bound, so a percentile is
   * only known to (value / growthFactor, value]. Absent for k6 NDJSON (exact).
   */
  resolution?: HistogramResolution;
  /** Where the evidence came from, when not from files (e.g. "Prometheus http://…, testid=…"). */
  origin?: string;
}

/** One metric or sub-metric of a k6 end-of-test summary. */
export interface SummaryMetric {
  /** As keyed in the summary: `http_req_duration{expected_response:true}`. */
  key: string;
  metric: string;
  tags: Record<string, string>;
  type: K6MetricType | null;
  /** Stat → value, with k6's names normalised: `p(95)`, `avg`, `count`, `rate`, `passes`/`fails` (rate: non-zero/zero), `value`. */
  values: Record<string, number>;
}

/** One check of a summary's groups, by name, with its counts summed over groups. */
export interface SummaryCheck {
  name: string;
  passes: number;
  fails: number;
}

export interface SummaryThreshold {
  key: string;
  expression: string;
  passed: boolean;
}

/** A k6 end-of-test summary: aggregates only, no samples, the whole run. */
export interface SummaryEvidence {
  kind: "summary";
  file: string;
  format: "summary-export" | "handle-summary" | "machine-readable";
  metrics: SummaryMetric[];
  /** k6's own threshold results; null when the format does not carry them. */
  thresholds: SummaryThreshold[] | null;
  /** Checks by name from the summary's groups; null when the format does not list them. */
  checks?: SummaryCheck[] | null;
  /** Test run duration; null when the format does not say. */
  durationSeconds: number | null;
  /** End of the run (machine-readable summary only). */
  generatedAt: string | null;
  k6Version: string | null;
  findings: Finding[];
}

export type K6Evidence = StreamEvidence | SummaryEvidence;
