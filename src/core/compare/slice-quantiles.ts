import { JsHistogram } from "hdr-histogram-js";
import type { Histogram } from "../histogram.js";

/** A histogram's recorded values (µs, ascending, each the top of its HDR bucket) and their counts. */
export interface RecordedValues {
  values: Float64Array;
  counts: Float64Array;
  total: number;
}

/** Reads every non-empty bucket of a histogram: O(buckets), not O(requests). */
export function readRecordedValues(histogram: Histogram): RecordedValues {
  if (!(histogram instanceof JsHistogram)) {
    throw new TypeError(
      "slice histograms must be the project's JS HDR histograms (createHistogram)",
    );
  }
  const values: number[] = [];
  const counts: number[] = [];
  if (histogram.totalCount > 0) {
    // Walk the counts array between the lowest and highest recorded value;
    // each bucket reports its highest equivalent value, as HDR's percentiles do.
    const top = histogram.countsArrayIndex(histogram.maxValue);
    const zeros = histogram.getCountAtIndex(0);
    if (zeros > 0) {
      values.push(histogram.highestEquivalentValue(histogram.valueFromIndex(0)));
      counts.push(zeros);
    }
    const from =
      histogram.minNonZeroValue <= histogram.maxValue
        ? histogram.countsArrayIndex(histogram.minNonZeroValue)
        : top + 1;
    for (let i = Math.max(1, from); i <= top; i++) {
      const count = histogram.getCountAtIndex(i);
      if (count === 0) continue;
      values.push(histogram.highestEquivalentValue(histogram.valueFromIndex(i)));
      counts.push(count);
    }
  }
  return {
    values: Float64Array.from(values),
    counts: Float64Array.from(counts),
    total: histogram.totalCount,
  };
}

/**
 * The rank of the p-quantile among `total` samples: the smallest r with
 * r ≥ p·total (at least 1). The epsilon absorbs float noise so that, as in
 * HDR's getValueAtPercentile, 0.95 × 200 is rank 190, not 191.
 */
export function findQuantileRank(fraction: number, total: number): number {
  const exact = fraction * total;
  return Math.max(1, Math.ceil(exact - Math.abs(exact) * 1e-12));
}

/** The p-quantile (p a fraction) of recorded values, or null when empty. */
export function readQuantile(recorded: RecordedValues, fraction: number): number | null {
  if (recorded.total === 0) return null;
  const rank = findQuantileRank(fraction, recorded.total);
  let seen = 0;
  for (let i = 0; i < recorded.values.length; i++) {
    seen += recorded.counts[i] ?? 0;
    if (seen >= rank) return recorded.values[i] ?? null;
  }
  return recorded.values[recorded.values.length - 1] ?? null;
}

/**
 * Per-slice cumulative counts over the only values a resample's quantile can
 * take. The p-quantile of any weighted mixture of slices lies between the
 * smallest and the largest of the slices' own p-quantiles (below the smallest,
 * every slice has fewer than p of its samples; at the largest, every slice has
 * at least p), so the grid spans just that range. A resample's quantile is then
 * a binary search over the grid, each probe a weighted sum over slices:
 * O(slices · log grid) per replicate, whatever the number of requests.
 */
export interface QuantileTable {
  fraction: number;
  sliceCount: number;
  /** Samples per slice. */
  totals: Float64Array;
  /** Candidate quantile values, µs, ascending. */
  grid: Float64Array;
  /** Column-major: `cumulative[j * sliceCount + i]` = samples of slice i at or below grid[j]. */
  cumulative: Uint32Array;
  /** Each slice's own p-quantile in µs, null when it has no samples. */
  sliceQuantiles: (number | null)[];
}

/** Builds the table of `slices` for the p-quantile (p a fraction in (0, 1]). */
export function buildQuantileTable(
  slices: readonly RecordedValues[],
  fraction: number,
): QuantileTable {
  const sliceQuantiles = slices.map((slice) => readQuantile(slice, fraction));
  const present = sliceQuantiles.filter((q): q is number => q !== null);
  const low = present.length > 0 ? Math.min(...present) : 0;
  const high = present.length > 0 ? Math.max(...present) : 0;
  const gridValues = new Set<number>();
  for (const slice of slices) {
    for (const value of slice.values) if (value >= low && value <= high) gridValues.add(value);
  }
  const grid = Float64Array.from([...gridValues].sort((a, b) => a - b));
  const sliceCount = slices.length;
  const cumulative = new Uint32Array(grid.length * sliceCount);
  slices.forEach((slice, i) => {
    let k = 0;
    let running = 0;
    // Everything below the grid counts from the first grid value on.
    while (k < slice.values.length && (slice.values[k] ?? 0) < low)
      running += slice.counts[k++] ?? 0;
    for (let j = 0; j < grid.length; j++) {
      const top = grid[j] ?? 0;
      while (k < slice.values.length && (slice.values[k] ?? 0) <= top)
        running += slice.counts[k++] ?? 0;
      cumulative[j * sliceCount + i] = running;
    }
  });
  return {
    fraction,
    sliceCount,
    totals: Float64Array.from(slices, (slice) => slice.total),
    grid,
    cumulative,
    sliceQuantiles,
  };
}

/**
 * The p-quantile (µs) of the mixture that takes slice i `weights[i]` times,
 * or null when the chosen slices hold no samples.
 */
export function readWeightedQuantile(table: QuantileTable, weights: Float64Array): number | null {
  const n = table.sliceCount;
  let total = 0;
  for (let i = 0; i < n; i++) total += (weights[i] ?? 0) * (table.totals[i] ?? 0);
  if (total === 0 || table.grid.length === 0) return null;
  const rank = findQuantileRank(table.fraction, total);
  let lo = 0;
  let hi = table.grid.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const base = mid * n;
    let below = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i] ?? 0;
      if (w !== 0) below += w * (table.cumulative[base + i] ?? 0);
    }
    if (below >= rank) hi = mid;
    else lo = mid + 1;
  }
  return table.grid[lo] ?? null;
}
