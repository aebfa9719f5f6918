import type { ProfilePrometheusEntry } from "../core/profile-schema.js";
import { ConfigError } from "../errors.js";

/** The server-side objectives slogate reads from Prometheus, by ObjectiveResult id. */
export const PROMETHEUS_OBJECTIVE_IDS = [
  "latency_p95",
  "error_rate",
  "throughput",
  "db_latency_p95",
  "cpu",
  "memory",
] as const;
export type PrometheusObjectiveId = (typeof PROMETHEUS_OBJECTIVE_IDS)[number];

/**
 * Which series a profile's server-side SLIs come from. Defaults follow the
 * metric names of the seed's services (http_requests_total{method,endpoint,
 * status}, http_request_duration_seconds, db_query_duration_seconds, process
 * metrics), so they work against any service exposing those names.
 */
export interface PrometheusSliSettings {
  /** Label matchers added to every selector, e.g. `job="slogate-targets"`. Empty: all series. */
  selector: string;
  metrics: {
    requestsTotal: string;
    /** Histogram base name (no `_bucket`/`_count` suffix). */
    requestDuration: string;
    dbQueryDuration: string;
    cpuSecondsTotal: string;
    residentMemoryBytes: string;
  };
  /** `classic`: `<name>_bucket{le}` series; `native`: Prometheus native histograms (k6 remote write). */
  histogramKind: "classic" | "native";
  /** Unit the duration histograms observe in. */
  durationUnit: "seconds" | "milliseconds";
  labels: {
    /** Route template label (the seed's `endpoint`). */
    route: string;
    status: string;
    /** HTTP method label, for a profile scoped to some methods. */
    method: string;
  };
  /** Status label values counted as errors, as a PromQL regex. */
  errorStatusRegex: string;
  /** Routes left out of request SLIs, as a PromQL regex: the scraper's own /metrics calls are not load. */
  excludeRoutesRegex: string;
  /** Only these routes count in request SLIs (a profile's scope), as a PromQL regex; unset: all. */
  includeRoutesRegex?: string;
  /** Only these methods count in request SLIs (a profile's scope), as a PromQL regex; unset: all. */
  includeMethodsRegex?: string;
  /** 0.95 for p95. */
  quantile: number;
  /** Cores the service may use; CPU is reported as a fraction of it. Unset: CPU is inconclusive. */
  cpuCores?: number;
  /** Memory limit in bytes; memory is reported as peak RSS over it. Unset: memory is inconclusive. */
  memoryLimitBytes?: number;
  /**
   * Whole-query overrides per objective, for services with other metrics.
   * `{{window}}` becomes the range (e.g. `300000ms`), `{{selector}}` the label matchers.
   * The query must return one number in the objective's unit (ms, ratio, req/s).
   */
  queries?: Partial<Record<PrometheusObjectiveId, string>>;
}

export const DEFAULT_PROMETHEUS_SLI_SETTINGS: PrometheusSliSettings = {
  selector: "",
  metrics: {
    requestsTotal: "http_requests_total",
    requestDuration: "http_request_duration_seconds",
    dbQueryDuration: "db_query_duration_seconds",
    cpuSecondsTotal: "process_cpu_seconds_total",
    residentMemoryBytes: "process_resident_memory_bytes",
  },
  histogramKind: "classic",
  durationUnit: "seconds",
  labels: { route: "endpoint", status: "status", method: "method" },
  errorStatusRegex: "5..",
  excludeRoutesRegex: "/metrics|/health/.*",
  quantile: 0.95,
};

/**
 * `base` with a profile's `prometheus:` section applied: the fields it sets
 * replace the base's, the rest stay (the seed's names by default).
 */
export function applyProfileSeries(
  base: PrometheusSliSettings,
  section: ProfilePrometheusEntry | undefined,
): PrometheusSliSettings {
  if (!section) return base;
  const { selector, errorStatusRegex, cpuCores, memoryLimitBytes } = section;
  return {
    ...base,
    metrics: { ...base.metrics, ...definedOnly(section.metrics) },
    labels: { ...base.labels, ...definedOnly(section.labels) },
    ...(selector !== undefined ? { selector } : {}),
    ...(errorStatusRegex !== undefined ? { errorStatusRegex } : {}),
    ...(cpuCores !== undefined ? { cpuCores } : {}),
    ...(memoryLimitBytes !== undefined ? { memoryLimitBytes } : {}),
  };
}

/** The fields of a partial object that are set, so a spread keeps the other defaults. */
function definedOnly<T extends object>(partial: T | undefined): Partial<T> {
  if (!partial) return {};
  return Object.fromEntries(
    Object.entries(partial).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Rejects names and matchers that would turn into a PromQL syntax error at query time. */
export function checkSliSettings(settings: PrometheusSliSettings): void {
  const fail = (field: string, value: string, hint: string) => {
    throw new ConfigError(
      "PROMETHEUS_SETTINGS_INVALID",
      `prometheus.${field} ${JSON.stringify(value)}: ${hint}`,
    );
  };
  for (const [key, name] of Object.entries(settings.metrics)) {
    if (!METRIC_NAME.test(name)) fail(`metrics.${key}`, name, "not a Prometheus metric name");
  }
  for (const [key, name] of Object.entries(settings.labels)) {
    if (!LABEL_NAME.test(name)) fail(`labels.${key}`, name, "not a Prometheus label name");
  }
  if (/[{}]/.test(settings.selector)) {
    fail("selector", settings.selector, 'give label matchers without braces, e.g. job="api"');
  }
  if (!(settings.quantile > 0 && settings.quantile < 1)) {
    fail("quantile", String(settings.quantile), "give a number between 0 and 1, e.g. 0.95");
  }
  for (const [key, value] of [
    ["cpuCores", settings.cpuCores],
    ["memoryLimitBytes", settings.memoryLimitBytes],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      fail(key, String(value), "give a positive number");
    }
  }
}

function escapeRegexLiteral(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

/** `{a="b",c!~"d"}` from the profile's selector plus extra matchers. */
export function buildSelector(selector: string, ...extra: string[]): string {
  const parts = [selector.trim(), ...extra].filter((part) => part !== "");
  return `{${parts.join(",")}}`;
}

/**
 * Window length as a PromQL range in whole milliseconds (`[300000ms]`), so
 * the range is the window itself and a rate divides by the same seconds.
 */
export function formatRange(windowSeconds: number): string {
  return `${Math.max(1, Math.round(windowSeconds * 1000))}ms`;
}

export interface SliQueries {
  /** Requests per route in the window (counter at the end minus at the start). */
  requestsByRoute: string;
  errorsByRoute: string;
  /** Counter resets in the window (a restart): counts across one are not trusted. */
  requestResets: string;
  /** p-quantile latency per route, in the histogram's unit. */
  latencyByRoute: string;
  latencyOverall: string;
  /** Observations in the latency histogram (its sample count). */
  latencyCount: string;
  dbLatency: string;
  dbCount: string;
  cpuSecondsPerSecond: string;
  cpuSampleCount: string;
  memoryPeakBytes: string;
  memorySampleCount: string;
  /** Raw `up` samples in the window, for the scrape-coverage check. */
  upSamples: string;
}

/**
 * How much a counter grew in the window, per `by` labels: its value at the
 * end minus its value at the start (`offset`). Unlike increase(), this does
 * not extrapolate to the window's edges (up to ~10% off on short windows),
 * and series born inside the window count from zero instead of from their
 * first scrape. A counter reset breaks it: callers check `resets()`.
 */
function counterDelta(series: string, range: string, by: readonly string[]): string {
  const sum = (expr: string) =>
    by.length > 0 ? `sum by (${by.join(", ")}) (${expr})` : `sum(${expr})`;
  return `(${sum(series)} - (${sum(`${series} offset ${range}`)} or ${sum(series)} * 0))`;
}

/** Every PromQL query a server-side evaluation runs, for a window of `windowSeconds` ending at the evaluation time. */
export function buildSliQueries(
  settings: PrometheusSliSettings,
  windowSeconds: number,
): SliQueries {
  const range = formatRange(windowSeconds);
  const { metrics, labels, quantile } = settings;
  const route = labels.route;
  const notExcluded = settings.excludeRoutesRegex
    ? `${route}!~"${escapeRegexLiteral(settings.excludeRoutesRegex)}"`
    : "";
  const included = settings.includeRoutesRegex
    ? `${route}=~"${escapeRegexLiteral(settings.includeRoutesRegex)}"`
    : "";
  const methods = settings.includeMethodsRegex
    ? `${labels.method}=~"${escapeRegexLiteral(settings.includeMethodsRegex)}"`
    : "";
  const requestSel = buildSelector(settings.selector, notExcluded, included, methods);
  const errorSel = buildSelector(
    settings.selector,
    notExcluded,
    included,
    methods,
    `${labels.status}=~"${escapeRegexLiteral(settings.errorStatusRegex)}"`,
  );
  const plainSel = buildSelector(settings.selector);
  // Native histograms: Prometheus 2.42 cannot subtract them (nor `* 0`).
  // A series born inside the window (k6 pushes cumulative histograms from its
  // start) counts whole, from its value at the end; one that existed before
  // uses increase(), whose edge extrapolation scales every bucket alike.
  const nativeGrowth = (series: string) =>
    `((${series} unless ${series} offset ${range}) or increase(${series}[${range}]))`;
  const quantileOf = (name: string, by: string[], sel: string) =>
    settings.histogramKind === "classic"
      ? `histogram_quantile(${quantile}, ${counterDelta(`${name}_bucket${sel}`, range, ["le", ...by])})`
      : `histogram_quantile(${quantile}, sum${by.length > 0 ? ` by (${by.join(", ")})` : ""} (${nativeGrowth(`${name}${sel}`)}))`;
  const countOf = (name: string, sel: string) =>
    settings.histogramKind === "classic"
      ? counterDelta(`${name}_count${sel}`, range, [])
      : `histogram_count(sum(${nativeGrowth(`${name}${sel}`)}))`;
  return {
    requestsByRoute: counterDelta(`${metrics.requestsTotal}${requestSel}`, range, [route]),
    errorsByRoute: counterDelta(`${metrics.requestsTotal}${errorSel}`, range, [route]),
    requestResets: `sum(resets(${metrics.requestsTotal}${requestSel}[${range}]))`,
    latencyByRoute: quantileOf(metrics.requestDuration, [route], requestSel),
    latencyOverall: quantileOf(metrics.requestDuration, [], requestSel),
    latencyCount: countOf(metrics.requestDuration, requestSel),
    dbLatency: quantileOf(metrics.dbQueryDuration, [], plainSel),
    dbCount: countOf(metrics.dbQueryDuration, plainSel),
    cpuSecondsPerSecond: `sum(rate(${metrics.cpuSecondsTotal}${plainSel}[${range}]))`,
    cpuSampleCount: `sum(count_over_time(${metrics.cpuSecondsTotal}${plainSel}[${range}]))`,
    memoryPeakBytes: `max(max_over_time(${metrics.residentMemoryBytes}${plainSel}[${range}]))`,
    memorySampleCount: `sum(count_over_time(${metrics.residentMemoryBytes}${plainSel}[${range}]))`,
    upSamples: `up${plainSel}[${range}]`,
  };
}

/** A profile's whole-query override with `{{window}}` and `{{selector}}` filled in. */
export function expandQueryTemplate(
  template: string,
  settings: PrometheusSliSettings,
  windowSeconds: number,
): string {
  return template
    .replaceAll("{{window}}", formatRange(windowSeconds))
    .replaceAll("{{selector}}", settings.selector.trim());
}
