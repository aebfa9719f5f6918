import { buildSelector } from "./selectors.js";

/** Raw `up` samples over a range (`up{job="a"}[60000ms]`): when each target was scraped. */
export function buildUpSamplesQuery(selector: string, range: string): string {
  return `up${buildSelector(selector)}[${range}]`;
}

/** The oldest of the targets' latest scrape times, Unix seconds: all were scraped since then. */
export function buildOldestLatestScrapeQuery(selector: string): string {
  return `min(timestamp(up${buildSelector(selector)}))`;
}

/** One series per `le` edge of a classic histogram (`metric` is its base name). */
export function buildBucketEdgesQuery(metric: string, selector: string): string {
  return `count by (le) (${metric}_bucket${buildSelector(selector)})`;
}
