import { chooseBlockSlices, estimateDependence } from "./block-bootstrap.js";
import { normalQuantile } from "./quantiles.js";
import { explainTooFewSlices, resolveBootstrapSettings } from "./settings.js";
import type { BootstrapOptions, EffectResult, SlicedRun } from "./types.js";

/**
 * Wilson's score interval for a proportion of `events` in `trials` (both may
 * be fractional effective counts). Unlike the Wald interval it does not
 * collapse to a point at zero events: 0 of 10 000 gives [0, 3.8e-4].
 */
export function wilsonInterval(events: number, trials: number, z: number): [number, number] {
  if (trials <= 0) return [0, 1];
  const p = events / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Newcombe's hybrid score interval for p2 − p1 (Newcombe 1998, method 10):
 * each side combines the two Wilson intervals' distances in quadrature. It
 * keeps ~nominal coverage at zero or few events, where Wald intervals
 * degenerate.
 */
export function newcombeInterval(
  events1: number,
  trials1: number,
  events2: number,
  trials2: number,
  z: number,
): [number, number] {
  const p1 = events1 / trials1;
  const p2 = events2 / trials2;
  const [l1, u1] = wilsonInterval(events1, trials1, z);
  const [l2, u2] = wilsonInterval(events2, trials2, z);
  const d = p2 - p1;
  return [d - Math.hypot(p2 - l2, u1 - p1), d + Math.hypot(u2 - p2, p1 - l1)];
}

/**
 * How much more variable a run's failure rate is than independent requests
 * would make it (the design effect, Kish 1965): the between-block variance
 * of the ratio estimator, from consecutive blocks of `blockSlices` slices,
 * over the binomial variance p(1 − p) / N. At least 1: clustering never makes
 * evidence stronger. 1 when the run has no failures (nothing to cluster) or
 * fewer than 3 blocks (no variance to read).
 */
export function estimateDesignEffect(run: SlicedRun, blockSlices: number): number {
  const requests: number[] = [];
  const failures: number[] = [];
  run.slices.forEach((slice, i) => {
    const k = Math.floor(i / blockSlices);
    requests[k] = (requests[k] ?? 0) + slice.requests;
    failures[k] = (failures[k] ?? 0) + slice.failures;
  });
  const blocks = requests.length;
  const total = requests.reduce((sum, x) => sum + x, 0);
  const failed = failures.reduce((sum, x) => sum + x, 0);
  if (blocks < 3 || total === 0 || failed === 0 || failed === total) return 1;
  const p = failed / total;
  let squares = 0;
  for (let k = 0; k < blocks; k++) squares += ((failures[k] ?? 0) - p * (requests[k] ?? 0)) ** 2;
  const clustered = ((blocks / (blocks - 1)) * squares) / total ** 2;
  const binomial = (p * (1 - p)) / total;
  return Math.max(1, clustered / binomial);
}

function sumRun(run: SlicedRun): { requests: number; failures: number } {
  let requests = 0;
  let failures = 0;
  for (const slice of run.slices) {
    requests += slice.requests;
    failures += slice.failures;
  }
  return { requests, failures };
}

export interface ErrorRateEffectOptions extends Omit<BootstrapOptions, "seed" | "replicates"> {
  /** false: treat every request as independent (design effect 1). true by default. */
  clustering?: boolean;
}

/**
 * The change of the failure rate as candidate − baseline, with Newcombe's
 * interval on effective counts: each run's requests and failures are divided
 * by its design effect, so bursts of failures (an outage second, a bad
 * instance) count as the few independent events they are.
 */
export function estimateErrorRateEffect(
  baseline: SlicedRun,
  candidate: SlicedRun,
  options: ErrorRateEffectOptions = {},
): EffectResult {
  const settings = resolveBootstrapSettings({ ...options, seed: 0 });
  const base = sumRun(baseline);
  const cand = sumRun(candidate);
  const baseRate = base.requests > 0 ? base.failures / base.requests : null;
  const candRate = cand.requests > 0 ? cand.failures / cand.requests : null;
  const tooShort = explainTooFewSlices(
    baseline.slices.length,
    candidate.slices.length,
    settings.minSlices,
  );
  if (tooShort !== null)
    return { kind: "no-effect", baseline: baseRate, candidate: candRate, reason: tooShort };
  if (baseRate === null || candRate === null) {
    return {
      kind: "no-effect",
      baseline: baseRate,
      candidate: candRate,
      reason: "a run has no requests",
    };
  }
  const fractions = [baseline, candidate].map((run) =>
    run.slices.map((slice) => (slice.requests > 0 ? slice.failures / slice.requests : null)),
  );
  const dependence = estimateDependence(fractions);
  const effects = [baseline, candidate].map((run) => {
    if (options.clustering === false) return 1;
    const block =
      settings.blockSlices === "auto"
        ? chooseBlockSlices(dependence, run.slices.length)
        : Math.max(1, Math.round(settings.blockSlices));
    return estimateDesignEffect(run, block);
  });
  const [baseEffect, candEffect] = effects as [number, number];
  const z = normalQuantile(1 - (1 - settings.confidence) / 2);
  const interval = newcombeInterval(
    base.failures / baseEffect,
    base.requests / baseEffect,
    cand.failures / candEffect,
    cand.requests / candEffect,
    z,
  );
  return {
    kind: "effect",
    scale: "difference",
    baseline: baseRate,
    candidate: candRate,
    estimate: candRate - baseRate,
    interval,
    confidence: settings.confidence,
    evidence: {
      unit: "requests",
      baseline: base.requests / baseEffect,
      candidate: cand.requests / candEffect,
    },
    method:
      `Newcombe hybrid score interval (Wilson) on effective requests, ` +
      `design effect ${baseEffect.toFixed(2)}/${candEffect.toFixed(2)} from slice blocks`,
  };
}
