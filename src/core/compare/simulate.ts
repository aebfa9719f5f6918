import { createHistogram, toMicroseconds } from "../histogram.js";
import { createSeededRandom, drawNormal } from "./random.js";
import type { SlicedRun, TimeSlice } from "./types.js";

/**
 * A synthetic run with known truth, for calibrating comparisons. Latency of
 * a request in slice t: factor · exp(runShift) · (exp(log(medianMs) +
 * level_t + requestLogSd · Z) + pause) ms, the pause added to a share of the
 * requests of slices caught by a GC-like pause; so every percentile of the
 * run's process is exactly factor · exp(runShift) times the unshifted one. level_t is AR(1) drift:
 * level_t = φ · level_{t−1} + innovation, stationary with sd `driftLogSd`.
 * Failures: each request fails with `errorRate` (+ `burstErrorRate` in a
 * slice caught by an error burst). Requests per slice vary as Poisson counts.
 */
export interface SimulatedRunOptions {
  seed: number;
  slices: number;
  requestsPerSlice: number;
  sliceMs?: number;
  medianMs?: number;
  requestLogSd?: number;
  driftPhi?: number;
  driftLogSd?: number;
  /** This run's level shift on the log scale (the caller draws it, so the truth is known). */
  runLogShift?: number;
  /** Multiplies every latency: the true ratio of any percentile. */
  latencyFactor?: number;
  pauseChance?: number;
  pauseShare?: number;
  pauseMs?: number;
  errorRate?: number;
  burstChance?: number;
  burstErrorRate?: number;
  /** Multiplies the request rate. */
  rateFactor?: number;
  /** false: leave the histograms empty (for error-rate studies; much faster). */
  recordLatencies?: boolean;
}

/** Generates a run's slices (pure: same options, same run). */
export function simulateRun(options: SimulatedRunOptions): SlicedRun {
  const random = createSeededRandom(options.seed);
  const sliceMs = options.sliceMs ?? 1000;
  const phi = options.driftPhi ?? 0;
  const driftSd = options.driftLogSd ?? 0;
  const innovationSd = driftSd * Math.sqrt(1 - phi * phi);
  const base = Math.log(options.medianMs ?? 20);
  const factor = (options.latencyFactor ?? 1) * Math.exp(options.runLogShift ?? 0);
  const spread = options.requestLogSd ?? 0.5;
  const meanRequests = options.requestsPerSlice * (options.rateFactor ?? 1);
  let level = driftSd * drawNormal(random);
  const slices: TimeSlice[] = [];
  for (let t = 0; t < options.slices; t++) {
    if (t > 0) level = phi * level + innovationSd * drawNormal(random);
    const paused = random() < (options.pauseChance ?? 0);
    const burst = random() < (options.burstChance ?? 0);
    const failRate = (options.errorRate ?? 0) + (burst ? (options.burstErrorRate ?? 0) : 0);
    // Normal approximation of a Poisson count, fine for the tens and more per slice used here.
    const requests = Math.max(
      0,
      Math.round(meanRequests + Math.sqrt(meanRequests) * drawNormal(random)),
    );
    const histogram = createHistogram();
    let failures = 0;
    const latencies = options.recordLatencies ?? true;
    for (let r = 0; r < requests; r++) {
      if (random() < failRate) failures++;
      if (!latencies) continue;
      let ms = Math.exp(base + level + spread * drawNormal(random));
      if (paused && random() < (options.pauseShare ?? 0)) ms += options.pauseMs ?? 0;
      histogram.recordValue(toMicroseconds(ms * factor));
    }
    slices.push({ startMs: t * sliceMs, durationMs: sliceMs, histogram, requests, failures });
  }
  return { slices };
}
