import { formatThresholdNumber } from "../core/k6-thresholds.js";
import { buildMatcherSelector } from "./selectors.js";

/** A recorded series read back through the rule set's own matchers (`record{service="a"}`). */
export function buildRecordedSeries(record: string, matchers: readonly string[]): string {
  return `${record}${buildMatcherSelector(matchers)}`;
}

/** `expr >= bound`: a tier is met strictly below its bound, so reaching it is the breach. */
export function buildBreachExpr(expr: string, bound: number): string {
  return `${expr} >= ${formatThresholdNumber(bound)}`;
}

/** Both windows of a multi-window burn-rate alert above the same threshold. */
export function buildBurnRateExpr(
  longSeries: string,
  shortSeries: string,
  threshold: number,
): string {
  const above = formatThresholdNumber(threshold);
  return `${longSeries} > ${above}\nand\n${shortSeries} > ${above}`;
}

/** Targets whose last scrape failed. */
export function buildTargetDownExpr(matchers: readonly string[]): string {
  return `up${buildMatcherSelector(matchers)} == 0`;
}
