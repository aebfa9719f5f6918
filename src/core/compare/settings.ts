import type { BootstrapOptions } from "./types.js";

/** Bootstrap options with every default filled in. */
export interface BootstrapSettings {
  seed: number;
  confidence: number;
  replicates: number;
  blockSlices: number | "auto";
  dependenceCorrection: boolean;
  minSlices: number;
}

/**
 * Defaults: 95 % two-sided intervals, so a `regressed` claim (the whole
 * interval past the margin) errs at most 2.5 % of the time when the interval
 * is calibrated; 2000 replicates put the interval's ends within about ±2 % of
 * their own width; 8 slices per run is the fewest from which even three
 * blocks can be drawn with blocks of two.
 */
export function resolveBootstrapSettings(options: BootstrapOptions): BootstrapSettings {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be between 0 and 1, got ${confidence}`);
  }
  return {
    seed: options.seed,
    confidence,
    replicates: Math.max(100, Math.floor(options.replicates ?? 2000)),
    blockSlices: options.blockSlices ?? "auto",
    dependenceCorrection: options.dependenceCorrection ?? true,
    minSlices: Math.max(2, options.minSlices ?? 8),
  };
}

/** The reason two runs are too short to resample, or null when both are long enough. */
export function explainTooFewSlices(
  baselineSlices: number,
  candidateSlices: number,
  minSlices: number,
): string | null {
  if (baselineSlices >= minSlices && candidateSlices >= minSlices) return null;
  return (
    `too few time slices to judge a change (baseline ${baselineSlices}, candidate ${candidateSlices}; ` +
    `each run needs ≥ ${minSlices}): run longer`
  );
}
