import type { Histogram } from "./histogram.js";

/**
 * Prometheus native histograms (exponential buckets) as slogate's HDR
 * histograms. A native histogram of schema s has buckets whose bounds grow by
 * 2^(2^−s) (schema 3: ×1.0905, about ±4.4 % around a bucket's middle); a
 * value is only known to lie in its bucket. Each bucket's count is recorded
 * at the bucket's upper bound, so a percentile read from the HDR histogram is
 * the upper bound of the bucket holding that rank: the true value lies in
 * (that / growthFactor, that].
 */

export interface NativeBucket {
  lower: number;
  upper: number;
  count: number;
}

/** The resolution of values read from native histograms: the bucket growth of their schema. */
export interface HistogramResolution {
  /** The native-histogram schema, e.g. 3. */
  schema: number;
  /** Upper / lower bound of a bucket: 2^(2^−schema), e.g. 1.0905 for schema 3. */
  growthFactor: number;
}

/** The schema and growth factor of these buckets (from a bucket of positive bounds); null when none tells. */
export function readResolution(buckets: readonly NativeBucket[]): HistogramResolution | null {
  const bucket = buckets.find((b) => b.lower > 0 && b.upper > b.lower && Number.isFinite(b.upper));
  if (!bucket) return null;
  const growthFactor = bucket.upper / bucket.lower;
  const schema = Math.round(-Math.log2(Math.log2(growthFactor)));
  return { schema, growthFactor: 2 ** (2 ** -schema) };
}

/**
 * Records every bucket's count at its upper bound × `scale` (1e6 turns
 * seconds into the µs slogate's histograms hold) into `into`. Returns the
 * count of observations that could not be recorded (negative buckets).
 */
export function addNativeBuckets(
  into: Histogram,
  buckets: readonly NativeBucket[],
  scale: number,
): number {
  let unrecordable = 0;
  for (const bucket of buckets) {
    const count = Math.round(bucket.count);
    if (count <= 0) continue;
    if (!(bucket.upper >= 0) || !Number.isFinite(bucket.upper)) {
      unrecordable += count;
      continue;
    }
    into.recordValueWithCount(Math.max(1, Math.round(bucket.upper * scale)), count);
  }
  return unrecordable;
}
