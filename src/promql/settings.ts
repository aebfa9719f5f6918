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
