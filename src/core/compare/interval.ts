import { normalQuantile, studentQuantile } from "./quantiles.js";

/** Bootstrap replicates of one run's statistic (on the scale the effect is formed on) and the blocks behind them. */
export interface RunReplicates {
  values: Float64Array;
  /** Independent blocks in the run: slices / block length. */
  blocks: number;
}

/** An interval on the effect's working scale (log ratio or difference) and how it was widened. */
export interface WorkingInterval {
  low: number;
  high: number;
  /** The small-sample widening factor applied (1 when none). */
  widening: number;
  degreesOfFreedom: number;
}

function readSortedQuantile(sorted: Float64Array, p: number): number {
  const position = p * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  const lower = sorted[below] ?? 0;
  return lower + (position - below) * ((sorted[above] ?? lower) - lower);
}

function readVariance(values: Float64Array): number {
  if (values.length < 2) return 0;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let sum = 0;
  for (const v of values) sum += (v - mean) ** 2;
  return sum / (values.length - 1);
}

/**
 * The percentile-bootstrap interval of candidate − baseline (per replicate,
 * each run resampled on its own), widened about the point estimate by
 * t(ν) / z. The bootstrap spread of a run with k independent blocks is a
 * variance estimate with about k − 1 degrees of freedom; ν combines both runs
 * by Welch–Satterthwaite. Many blocks: factor ≈ 1; a short or drifting run
 * (few blocks): a wider interval, as a t interval would be. The interval
 * always contains the point estimate.
 */
export function buildDifferenceInterval(
  estimate: number,
  baseline: RunReplicates,
  candidate: RunReplicates,
  confidence: number,
  tWidening: boolean,
): WorkingInterval {
  const count = Math.min(baseline.values.length, candidate.values.length);
  const differences = new Float64Array(count);
  for (let r = 0; r < count; r++) {
    differences[r] = (candidate.values[r] ?? 0) - (baseline.values[r] ?? 0);
  }
  differences.sort();
  const alpha = 1 - confidence;
  const low = readSortedQuantile(differences, alpha / 2);
  const high = readSortedQuantile(differences, 1 - alpha / 2);
  const vb = readVariance(baseline.values);
  const vc = readVariance(candidate.values);
  const terms =
    vb ** 2 / Math.max(1e-9, baseline.blocks - 1) + vc ** 2 / Math.max(1e-9, candidate.blocks - 1);
  const degreesOfFreedom = terms > 0 ? (vb + vc) ** 2 / terms : Number.POSITIVE_INFINITY;
  const widening = tWidening
    ? studentQuantile(1 - alpha / 2, degreesOfFreedom) / normalQuantile(1 - alpha / 2)
    : 1;
  return {
    low: estimate - widening * Math.max(0, estimate - low),
    high: estimate + widening * Math.max(0, high - estimate),
    widening,
    degreesOfFreedom,
  };
}
