import { estimateDependence } from "./block-bootstrap.js";
import { describeResampling, resampleEffect } from "./resample-effect.js";
import { explainTooFewSlices, resolveBootstrapSettings } from "./settings.js";
import type { BootstrapOptions, EffectResult, SlicedRun } from "./types.js";

/**
 * Whether the two runs were offered the same load. Achieved throughput only
 * says something about the service when the load generator asked for the same
 * rate both times; otherwise it mostly says what was asked.
 */
export type OfferedLoad =
  { kind: "matched" } | { kind: "differs"; reason: string } | { kind: "unknown" };

function readRate(run: SlicedRun, weights: Float64Array | null): number | null {
  let requests = 0;
  let durationMs = 0;
  run.slices.forEach((slice, i) => {
    const w = weights === null ? 1 : (weights[i] ?? 0);
    requests += w * slice.requests;
    durationMs += w * slice.durationMs;
  });
  return durationMs > 0 ? (requests * 1000) / durationMs : null;
}

/**
 * The change of the achieved request rate as candidate / baseline, with a
 * circular-block-bootstrap interval over time slices (each run resampled on
 * its own, the log ratio formed per replicate). Only when the offered load
 * matched; a run without requests has no rate.
 */
export function estimateThroughputEffect(
  baseline: SlicedRun,
  candidate: SlicedRun,
  offered: OfferedLoad,
  options: BootstrapOptions,
): EffectResult {
  const settings = resolveBootstrapSettings(options);
  const baseRate = readRate(baseline, null);
  const candRate = readRate(candidate, null);
  if (offered.kind !== "matched") {
    const why =
      offered.kind === "differs" ? offered.reason : "the offered load of a run is not known";
    return {
      kind: "no-effect",
      baseline: baseRate,
      candidate: candRate,
      reason: `throughput is compared only at the same offered load: ${why}`,
    };
  }
  const tooShort = explainTooFewSlices(
    baseline.slices.length,
    candidate.slices.length,
    settings.minSlices,
  );
  if (tooShort !== null)
    return { kind: "no-effect", baseline: baseRate, candidate: candRate, reason: tooShort };
  if (!baseRate || !candRate) {
    return {
      kind: "no-effect",
      baseline: baseRate,
      candidate: candRate,
      reason: "a run completed no requests",
    };
  }
  const series = [baseline, candidate].map((run) =>
    run.slices.map((slice) =>
      slice.durationMs > 0 && slice.requests > 0
        ? Math.log(slice.requests / slice.durationMs)
        : null,
    ),
  );
  const dependence = estimateDependence(series);
  const logRate = (run: SlicedRun) => (weights: Float64Array) => {
    const rate = readRate(run, weights);
    return rate ? Math.log(rate) : null;
  };
  const estimate = Math.log(candRate) - Math.log(baseRate);
  const working = resampleEffect(
    "throughput",
    estimate,
    [
      { sliceCount: baseline.slices.length, statistic: logRate(baseline) },
      { sliceCount: candidate.slices.length, statistic: logRate(candidate) },
    ],
    dependence,
    settings,
  );
  return {
    kind: "effect",
    scale: "ratio",
    baseline: baseRate,
    candidate: candRate,
    estimate: Math.exp(estimate),
    interval: [Math.exp(working.low), Math.exp(working.high)],
    confidence: settings.confidence,
    evidence: {
      unit: "slices",
      baseline: baseline.slices.length,
      candidate: candidate.slices.length,
    },
    method: describeResampling(working, dependence, settings.replicates),
  };
}
