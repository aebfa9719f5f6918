import type { Random } from "./random.js";

/**
 * How a run's per-slice figures depend on their neighbours, modelled as a
 * drifting level plus independent noise (an ARMA(1,1) shape): the
 * autocorrelation at lag k ≥ 1 is share · rho^k, where rho is how slowly the
 * level drifts and share the part of the variance that drifts. Independent
 * slices: share 0 (or rho 0).
 */
export interface Dependence {
  lag1: number;
  rho: number;
  share: number;
}

function pooledAutocorrelation(
  runs: readonly (readonly (number | null)[])[],
  lag: number,
): { r: number; pairs: number } {
  let numerator = 0;
  let denominator = 0;
  let pairs = 0;
  for (const series of runs) {
    const present = series.filter((x): x is number => x !== null && Number.isFinite(x));
    if (present.length < 2) continue;
    const mean = present.reduce((sum, x) => sum + x, 0) / present.length;
    for (const x of present) denominator += (x - mean) ** 2;
    for (let t = lag; t < series.length; t++) {
      const a = series[t - lag];
      const b = series[t];
      if (a === null || a === undefined || b === null || b === undefined) continue;
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      numerator += (a - mean) * (b - mean);
      pairs++;
    }
  }
  return { r: denominator > 0 ? numerator / denominator : 0, pairs };
}

/**
 * Estimates the dependence of per-slice figures, pooled over runs: each run
 * is centred on its own mean (a level shift between runs is not
 * autocorrelation), and only consecutive slices that both have a figure
 * count. The lag-1 and lag-2 autocorrelations are first corrected for the
 * downward bias of short series ((1 + 3r) / n, Kendall 1954). When r1 is
 * clearly positive (beyond two standard errors, 1 / √pairs each), the level
 * drifts at rho = r2 / r1 (at least r1) and carries share = r1 / rho of the
 * variance; otherwise the slices are read as AR(1) with rho = r1. Either way
 * rho is then raised by one standard error: a short run cannot show that it
 * does not drift, so it is read as drifting as much as it plausibly could.
 * Null when fewer than 4 pairs exist.
 */
export function estimateDependence(
  runs: readonly (readonly (number | null)[])[],
): Dependence | null {
  const one = pooledAutocorrelation(runs, 1);
  if (one.pairs < 4) return null;
  const two = pooledAutocorrelation(runs, 2);
  const perRun = one.pairs / Math.max(1, runs.length);
  const correct = (r: number): number => Math.min(0.98, r + (1 + 3 * Math.max(0, r)) / perRun);
  const r1 = correct(one.r);
  const error = 1 / Math.sqrt(one.pairs);
  if (r1 <= 2 * error || two.pairs < 4) {
    const rho = Math.min(0.98, Math.max(0, r1 + error));
    return { lag1: r1, rho, share: rho > 0 ? 1 : 0 };
  }
  const r2 = correct(two.r);
  const rho = Math.min(0.98, Math.max(r1, r2 / r1) + error);
  return { lag1: r1, rho, share: Math.min(1, (r1 + error) / rho) };
}

function sumAutocorrelation(
  dependence: Dependence,
  terms: number,
  weight: (k: number) => number,
): number {
  let sum = 0;
  let power = 1;
  for (let k = 1; k < terms; k++) {
    power *= dependence.rho;
    if (power < 1e-12) break;
    sum += weight(k) * power;
  }
  return dependence.share * sum;
}

/**
 * Slices per resampled block for a run of `sliceCount` slices: the
 * Politis–White (2004) optimal block length for the circular block
 * bootstrap, b = (3/2 · G² / g²)^(1/3) · n^(1/3), with G = Σ|k|·acf(k) and
 * g = Σ acf(k) taken from the fitted dependence. Independent slices give
 * b = 1; slow drift gives long blocks. At most n / 3, so that even the
 * shortest run is resampled from three blocks; unknown dependence takes n^(1/3).
 */
export function chooseBlockSlices(dependence: Dependence | null, sliceCount: number): number {
  const most = Math.max(1, Math.floor(sliceCount / 3));
  if (dependence === null) return Math.min(most, Math.max(1, Math.round(Math.cbrt(sliceCount))));
  const { rho, share } = dependence;
  if (rho <= 0 || share <= 0) return 1;
  const g = 1 + (2 * share * rho) / (1 - rho);
  const bigG = (2 * share * rho) / (1 - rho) ** 2;
  const scale = Math.cbrt((1.5 * bigG * bigG) / (g * g));
  return Math.min(most, Math.max(1, Math.round(scale * Math.cbrt(sliceCount))));
}

/**
 * How much the block bootstrap understates the variance of a run's
 * statistic under the fitted dependence (in units of the slices' variance):
 * - the truth: a mean of n dependent slices has variance
 *   L = 1 + 2 Σ_{k<n} (1 − k/n)·acf(k) (per slice, over n);
 * - what blocks of b slices reproduce: B = 1 + 2 Σ_{k<b} (1 − k/b)·acf(k)
 *   (Künsch 1989), less b·L/n because the slices' spread is measured about
 *   the run's own mean, which itself drifted (a drifting run looks calmer
 *   than it is, the more so the shorter it is).
 * The ratio L / (B − b·L/n) is 1 for independent slices and grows when
 * blocks are short next to the drift, as they must be in a short run. The
 * denominator is kept ≥ B / 8 so that one wild estimate cannot explode it.
 */
export function findVarianceInflation(
  dependence: Dependence | null,
  sliceCount: number,
  blockSlices: number,
): number {
  if (dependence === null) return 1;
  const whole = 1 + 2 * sumAutocorrelation(dependence, sliceCount, (k) => 1 - k / sliceCount);
  const blocks = 1 + 2 * sumAutocorrelation(dependence, blockSlices, (k) => 1 - k / blockSlices);
  const reproduced = Math.max(blocks / 8, blocks - (blockSlices * whole) / sliceCount);
  return Math.max(1, whole / reproduced);
}

/**
 * One circular-block-bootstrap draw (Politis & Romano 1992): blocks of
 * `blockSlices` consecutive slices, each starting at a uniform slice and
 * wrapping past the end, until the draw is as long as the run. Writes how many
 * times each slice was drawn into `weights`. Wrapping gives every slice the
 * same chance to be drawn, which plain moving blocks deny the run's ends.
 */
export function drawBlockWeights(
  random: Random,
  sliceCount: number,
  blockSlices: number,
  weights: Float64Array,
): void {
  weights.fill(0);
  let drawn = 0;
  while (drawn < sliceCount) {
    const start = Math.floor(random() * sliceCount);
    const length = Math.min(blockSlices, sliceCount - drawn);
    for (let k = 0; k < length; k++) {
      const i = (start + k) % sliceCount;
      weights[i] = (weights[i] ?? 0) + 1;
    }
    drawn += length;
  }
}

/**
 * `replicates` circular-block-bootstrap values of a run's statistic, where
 * `statistic` reads a weighting of the run's slices. Replicates whose
 * statistic is undefined (null: the drawn slices hold no samples) are left out.
 * `blocks` is the number of independent blocks (n / b) behind the spread.
 */
export function resampleRun(
  random: Random,
  sliceCount: number,
  blockSlices: number,
  replicates: number,
  statistic: (weights: Float64Array) => number | null,
): { values: Float64Array; blocks: number } {
  const weights = new Float64Array(sliceCount);
  const values: number[] = [];
  for (let r = 0; r < replicates; r++) {
    drawBlockWeights(random, sliceCount, blockSlices, weights);
    const value = statistic(weights);
    if (value !== null && Number.isFinite(value)) values.push(value);
  }
  return { values: Float64Array.from(values), blocks: sliceCount / blockSlices };
}

/**
 * Stretches replicates about their mean by √inflation, so their spread
 * carries the variance the blocks could not reproduce (see findVarianceInflation).
 */
export function inflateSpread(values: Float64Array, inflation: number): Float64Array {
  if (inflation === 1 || values.length === 0) return values;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  const stretch = Math.sqrt(inflation);
  return values.map((v) => mean + stretch * (v - mean));
}
