import type { Histogram } from "../histogram.js";

/**
 * One time slice of a run's judged window, for one request group: what a
 * comparison resamples. Slices are consecutive and of similar length (1–5 s);
 * their order is what carries the time structure.
 */
export interface TimeSlice {
  /** Start of the slice, epoch milliseconds. */
  startMs: number;
  /** Length of the slice in milliseconds (the last one may be shorter). */
  durationMs: number;
  /** Durations of the slice's requests, in the project's microsecond HDR histogram; histograms add exactly. */
  histogram: Histogram;
  /** Requests completed in the slice (failed ones included). */
  requests: number;
  /** Of those, the failed ones. */
  failures: number;
}

/** One run of one request group: its slices in time order. */
export interface SlicedRun {
  slices: readonly TimeSlice[];
}

/** The figures an interval rests on, so an inconclusive verdict can say how much more is needed. */
export interface EvidenceSize {
  /** What the interval's width scales with: independent time (slices) or independent requests. */
  unit: "slices" | "requests";
  baseline: number;
  candidate: number;
}

/**
 * An estimated change with its confidence interval. `scale` says how to read
 * it: a `ratio` is candidate / baseline (1 = no change), a `difference` is
 * candidate − baseline (0 = no change).
 */
export interface Effect {
  kind: "effect";
  scale: "ratio" | "difference";
  /** The baseline's and the candidate's own figure (ms, a fraction, requests per second). */
  baseline: number;
  candidate: number;
  estimate: number;
  interval: [number, number];
  /** Two-sided confidence level of `interval`, e.g. 0.95. */
  confidence: number;
  evidence: EvidenceSize;
  /** One line on how the interval was formed, e.g. its block length. */
  method: string;
}

/** No effect can be estimated; `reason` says why in words. */
export interface NoEffect {
  kind: "no-effect";
  baseline: number | null;
  candidate: number | null;
  reason: string;
}

export type EffectResult = Effect | NoEffect;

/**
 * How far an effect may move before it matters, and which way is worse.
 * `ratio`: latency 1.10 (worse above), throughput 0.90 (worse below); the
 * "better by more than the margin" bound is its mirror on the log scale
 * (1 / 1.10, 1 / 0.90). `difference`: error rate 0.001 (worse above), mirrored
 * as −0.001.
 */
export type Margin =
  | { kind: "ratio"; worse: "higher" | "lower"; ratio: number }
  | { kind: "difference"; worse: "higher" | "lower"; difference: number };

export type ComparisonVerdict = "regressed" | "unchanged" | "improved" | "inconclusive";

/** One compared objective: its effect, margin, verdict, and the verdict's reason in words. */
export interface ObjectiveComparison {
  id: string;
  effect: EffectResult;
  margin: Margin;
  verdict: ComparisonVerdict;
  reason: string;
}

/** Bootstrap settings shared by the resampled effects. */
export interface BootstrapOptions {
  /** Seed of the resampling; the same seed and runs always give the same interval. */
  seed: number;
  /** Two-sided confidence level, 0.95 by default. */
  confidence?: number;
  /** Bootstrap replicates, 2000 by default. */
  replicates?: number;
  /** Slices per resampled block, or "auto" (from the data's lag-1 autocorrelation; the default). */
  blockSlices?: number | "auto";
  /**
   * Correct for dependence beyond what blocks reproduce: stretch each run's
   * replicates by the variance drift longer than a block adds, and widen by
   * t over z for the few independent blocks a run holds. true by default;
   * false gives the plain bootstrap (for comparison in calibration).
   */
  dependenceCorrection?: boolean;
  /** Fewer slices than this in either run: no interval (8 by default). */
  minSlices?: number;
}
