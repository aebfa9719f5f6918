import type { Stat } from "./profile.js";

/**
 * Samples a statistic needs before it may be judged.
 *
 * Percentile p: at least `minTailSamples` (k) samples must be expected above
 * it, so N ≥ ceil(k / (1 − p/100)); with k = 10, p(95) needs 200 samples,
 * p(99) 1000, p(50) 20. Why: the number of samples above the true p-quantile
 * is Binomial(N, 1 − p): its mean is k and its spread about √k. With k = 10
 * the empirical percentile is the 10th-largest-ish sample and moves by about
 * ±1/√k ≈ ±32% of the tail's rank; with fewer (say N = 20 for p(95), k = 1)
 * "p(95)" is just the largest sample, i.e. one outlier decides the verdict.
 * avg, min and max need k samples; gauges, counts and rates need one (rates
 * have their own rule below).
 */
export function findRequiredSamples(stat: Stat, minTailSamples: number): number {
  switch (stat.kind) {
    case "percentile": {
      if (stat.percent >= 100) return minTailSamples;
      // The epsilon absorbs float noise (10 / 0.05 = 200.00000000000003).
      return Math.max(1, Math.ceil((minTailSamples * 100) / (100 - stat.percent) - 1e-9));
    }
    case "avg":
    case "min":
    case "max":
      return minTailSamples;
    default:
      return 1;
  }
}

/**
 * Requests a rate objective needs before it may claim "below bound b".
 *
 * With N requests and no failures the observed rate is 0, yet the true rate
 * could still be near 3/N (the "rule of three": the 95% upper confidence
 * bound for zero events in N trials). So a bound b is only claimed with
 * N ≥ minRateEvents / b; minRateEvents = 3 means 300 requests to show < 1%,
 * 3000 for < 0.1% and 30 000 for < 0.01%. A tier whose bound the run is too
 * small to show is not awarded; a measured breach fails whatever N is.
 */
export function findRequiredRequests(bound: number, minRateEvents: number): number {
  if (minRateEvents <= 0) return 0;
  if (bound <= 0) return Number.POSITIVE_INFINITY;
  return Math.ceil(minRateEvents / bound - 1e-9);
}
