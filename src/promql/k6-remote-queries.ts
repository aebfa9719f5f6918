import { quotePromql } from "./escape.js";
import { buildEqualityMatcher, formatWholeSecondsRange } from "./selectors.js";

/**
 * The queries that read one k6 run back from the metrics its runners pushed
 * with k6's Prometheus remote-write output (series prefixed `k6_`, counters
 * suffixed `_total`, time trends `_seconds` as native histograms, rates
 * `_rate`), one run selected by its `testid` tag. Each is a raw range
 * selector over the lookback: k6 pushes cumulative values, so a series' last
 * sample is its total, exactly, and its first and last samples bound when it
 * ran. Summing last samples across runners adds counters and native
 * histograms exactly; nothing is averaged.
 */

/** The Prometheus series name k6's remote-write output gives a k6 metric of this kind. */
export function k6RemoteSeriesName(
  metric: string,
  kind: "counter" | "gauge" | "rate" | "time-trend" | "trend",
): string {
  const suffix = {
    counter: "_total",
    gauge: "",
    rate: "_rate",
    "time-trend": "_seconds",
    trend: "",
  }[kind];
  return `k6_${metric}${suffix}`;
}

/** `name{testid="id"}[lookback]`: every sample of the run's series of that name. */
export function buildK6RunSamplesQuery(
  seriesName: string,
  testId: string,
  lookbackSeconds: number,
): string {
  return `${seriesName}{${buildEqualityMatcher("testid", testId)}}[${formatWholeSecondsRange(lookbackSeconds)}]`;
}

/** Every sample of the run's series named k6_<metric> or k6_<metric>_seconds (a custom trend of either kind). */
export function buildK6TrendSamplesQuery(
  metric: string,
  testId: string,
  lookbackSeconds: number,
): string {
  const names = `k6_${metric}|k6_${metric}_seconds`;
  return `{__name__=~${quotePromql(names)},${buildEqualityMatcher("testid", testId)}}[${formatWholeSecondsRange(lookbackSeconds)}]`;
}

/** `name{testid="id"}`: each of the run's series of that name at its latest sample (an instant query). */
export function buildK6LatestQuery(seriesName: string, testId: string): string {
  return `${seriesName}{${buildEqualityMatcher("testid", testId)}}`;
}
