import { decideEffect } from "./decide.js";
import { estimateErrorRateEffect } from "./error-rate-effect.js";
import { estimateLatencyEffect, prepareRun } from "./latency-effect.js";
import { estimateThroughputEffect, type OfferedLoad } from "./throughput-effect.js";
import type { BootstrapOptions, Margin, ObjectiveComparison, SlicedRun } from "./types.js";

/** Practical-significance defaults: what a change must exceed to matter. */
export const DEFAULT_MARGINS = {
  /** Latency percentiles: +10 % (ratio 1.10). */
  latencyRatio: 1.1,
  /** Error rate: +0.1 percentage point. */
  errorRateDifference: 0.001,
  /** Throughput: −10 % (ratio 0.90). */
  throughputRatio: 0.9,
} as const;

export interface CompareGroupOptions extends BootstrapOptions {
  /** Latency percentiles to compare ([95] by default) and their margin ratio (> 1). */
  latency?: { percents?: readonly number[]; marginRatio?: number };
  /** Samples beyond a percentile each run needs (the profile's minTailSamples, 10 by default). */
  minTailSamples?: number;
  /** Error-rate margin as a difference of proportions (≥ 0); `clustering: false` treats requests as independent. */
  errorRate?: { marginDifference?: number; clustering?: boolean };
  /** Compare achieved throughput; only meaningful when the offered load matched. Left out when absent. */
  throughput?: { offered: OfferedLoad; marginRatio?: number };
}

function checkMargins(latency: number, errorRate: number, throughput: number): void {
  if (!(latency > 1)) throw new RangeError(`latency margin ratio must be above 1, got ${latency}`);
  if (!(errorRate >= 0 && errorRate < 1))
    throw new RangeError(`error-rate margin must be in [0, 1), got ${errorRate}`);
  if (!(throughput > 0 && throughput < 1))
    throw new RangeError(`throughput margin ratio must be in (0, 1), got ${throughput}`);
}

/**
 * Compares one request group of a candidate run against its baseline: each
 * latency percentile (ratio), the error rate (difference) and, when asked,
 * throughput (ratio), each with its interval, margin and verdict. Pure and
 * seeded: the same runs and seed always give the same result.
 */
export function compareGroup(
  baseline: SlicedRun,
  candidate: SlicedRun,
  options: CompareGroupOptions,
): ObjectiveComparison[] {
  const latencyRatio = options.latency?.marginRatio ?? DEFAULT_MARGINS.latencyRatio;
  const errorDifference =
    options.errorRate?.marginDifference ?? DEFAULT_MARGINS.errorRateDifference;
  const throughputRatio = options.throughput?.marginRatio ?? DEFAULT_MARGINS.throughputRatio;
  checkMargins(latencyRatio, errorDifference, throughputRatio);
  const results: ObjectiveComparison[] = [];
  const base = prepareRun(baseline);
  const cand = prepareRun(candidate);
  for (const percent of options.latency?.percents ?? [95]) {
    const margin: Margin = { kind: "ratio", worse: "higher", ratio: latencyRatio };
    const effect = estimateLatencyEffect(base, cand, { ...options, percent });
    results.push({
      id: `latency_p${percent}`,
      effect,
      margin,
      ...decideEffect(`p(${percent})`, effect, margin),
    });
  }
  const errorMargin: Margin = { kind: "difference", worse: "higher", difference: errorDifference };
  const errorEffect = estimateErrorRateEffect(baseline, candidate, {
    ...options,
    clustering: options.errorRate?.clustering ?? true,
  });
  results.push({
    id: "error_rate",
    effect: errorEffect,
    margin: errorMargin,
    ...decideEffect("error rate", errorEffect, errorMargin),
  });
  if (options.throughput) {
    const margin: Margin = { kind: "ratio", worse: "lower", ratio: throughputRatio };
    const effect = estimateThroughputEffect(
      baseline,
      candidate,
      options.throughput.offered,
      options,
    );
    results.push({
      id: "throughput",
      effect,
      margin,
      ...decideEffect("throughput", effect, margin),
    });
  }
  return results;
}
