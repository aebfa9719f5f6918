import { build, type Histogram } from "hdr-histogram-js";

export type { Histogram };

/**
 * A latency histogram in integer microseconds with 3 significant digits:
 * every recorded value is kept within 0.1% relative error, so percentiles
 * from p50 to p99.9 are within 0.1% of the exact order statistic, in bounded
 * memory whatever the number of samples. Histograms add exactly, which is how
 * runs from several files are merged (percentiles are never averaged).
 */
export function createHistogram(): Histogram {
  return build({
    // 32-bit counts (Uint32Array) halve the memory of 64-bit ones; a count
    // only wraps past 4.29e9 samples within one 0.1%-wide value range of one
    // group, far beyond any k6 output file.
    bitBucketSize: 32,
    autoResize: true,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** Milliseconds (k6's unit for time metrics) to the integer microseconds the histogram stores. */
export function toMicroseconds(milliseconds: number): number {
  return Math.round(milliseconds * 1000);
}

/**
 * The value at `percent` (0..100) in milliseconds, or null without samples.
 * HDR reports the highest value equivalent to the order statistic, so the
 * figure errs high by at most 0.1%: conservative for "must stay below" bounds.
 */
export function readPercentileMs(histogram: Histogram, percent: number): number | null {
  if (histogram.totalCount === 0) return null;
  return histogram.getValueAtPercentile(percent) / 1000;
}

/** Adds all histograms into a fresh one. */
export function mergeHistograms(histograms: Iterable<Histogram>): Histogram {
  const merged = createHistogram();
  for (const histogram of histograms) {
    if (histogram.totalCount > 0) merged.add(histogram);
  }
  return merged;
}
