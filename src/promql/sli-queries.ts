import type { PrometheusSliSettings } from "./settings.js";
import { buildUpSamplesQuery } from "./scrape-queries.js";
import { buildRegexMatcher, buildSelector, formatRange } from "./selectors.js";

export interface SliQueries {
  /** Requests per route in the window (counter at the end minus at the start). */
  requestsByRoute: string;
  errorsByRoute: string;
  /**
   * Errors over requests as one expression: the error rate's query as
   * reported. The ratio itself is computed from the two per-route counts.
   */
  errorRatio: string;
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

/** The PromQL a server-side evaluation runs and reports, for a window of `windowSeconds` ending at the evaluation time. */
export function buildSliQueries(
  settings: PrometheusSliSettings,
  windowSeconds: number,
): SliQueries {
  const range = formatRange(windowSeconds);
  const { metrics, labels, quantile } = settings;
  const route = labels.route;
  const notExcluded = settings.excludeRoutesRegex
    ? buildRegexMatcher(route, "!~", settings.excludeRoutesRegex)
    : "";
  const included = settings.includeRoutesRegex
    ? buildRegexMatcher(route, "=~", settings.includeRoutesRegex)
    : "";
  const methods = settings.includeMethodsRegex
    ? buildRegexMatcher(labels.method, "=~", settings.includeMethodsRegex)
    : "";
  const requestSel = buildSelector(settings.selector, notExcluded, included, methods);
  const errorSel = buildSelector(
    settings.selector,
    notExcluded,
    included,
    methods,
    buildRegexMatcher(labels.status, "=~", settings.errorStatusRegex),
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
  const requestsByRoute = counterDelta(`${metrics.requestsTotal}${requestSel}`, range, [route]);
  const errorsByRoute = counterDelta(`${metrics.requestsTotal}${errorSel}`, range, [route]);
  return {
    requestsByRoute,
    errorsByRoute,
    errorRatio: `${errorsByRoute} / ${requestsByRoute}`,
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
    upSamples: buildUpSamplesQuery(settings.selector, range),
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
