import { findRequiredSamples } from "../sample-rules.js";
import { estimateDependence } from "./block-bootstrap.js";
import { describeResampling, resampleEffect } from "./resample-effect.js";
import { resolveBootstrapSettings, explainTooFewSlices } from "./settings.js";
import {
  buildQuantileTable,
  readRecordedValues,
  readWeightedQuantile,
  type QuantileTable,
  type RecordedValues,
} from "./slice-quantiles.js";
import type { BootstrapOptions, EffectResult, SlicedRun } from "./types.js";

/** A run's slices with their histograms read once, for several percentiles. */
export interface PreparedRun {
  slices: SlicedRun["slices"];
  recorded: RecordedValues[];
  samples: number;
}

/** Reads each slice histogram once (O(buckets) per slice). */
export function prepareRun(run: SlicedRun): PreparedRun {
  const recorded = run.slices.map((slice) => readRecordedValues(slice.histogram));
  return { slices: run.slices, recorded, samples: recorded.reduce((sum, r) => sum + r.total, 0) };
}

export interface LatencyEffectOptions extends BootstrapOptions {
  /** The percentile, 0 < percent < 100 (95 for p95). */
  percent: number;
  /** Samples that must lie beyond the percentile in each run (the profile's minTailSamples, 10 by default). */
  minTailSamples?: number;
}

// Below 1 µs HDR records 0; the log scale needs a floor.
const FLOOR_US = 0.5;

function logQuantile(table: QuantileTable, weights: Float64Array): number | null {
  const value = readWeightedQuantile(table, weights);
  return value === null ? null : Math.log(Math.max(FLOOR_US, value));
}

/**
 * Per-slice figures whose autocorrelation sets the block length: each slice's
 * own percentile when every slice of both runs holds enough samples for it,
 * else each slice's median (a level that is estimable from fewer samples).
 */
function readLevelSeries(
  runs: PreparedRun[],
  tables: QuantileTable[],
  required: number,
): (number | null)[][] {
  const ownPercentile = runs.every((run) =>
    run.recorded.every((r) => r.total === 0 || r.total >= required),
  );
  const levels = ownPercentile ? tables : runs.map((run) => buildQuantileTable(run.recorded, 0.5));
  return levels.map((table) =>
    table.sliceQuantiles.map((q) => (q === null ? null : Math.log(Math.max(FLOOR_US, q)))),
  );
}

/**
 * The change of a latency percentile as candidate / baseline, with a
 * circular-block-bootstrap interval over time slices: each run is resampled
 * on its own, in blocks long enough to carry its drift, the percentile is
 * recomputed from the resampled slices' merged histograms, and the log ratio
 * is formed per replicate. Not estimable (`no-effect`) when either run has too
 * few slices or too few samples for the percentile (the sample rule).
 */
export function estimateLatencyEffect(
  baseline: PreparedRun,
  candidate: PreparedRun,
  options: LatencyEffectOptions,
): EffectResult {
  const settings = resolveBootstrapSettings(options);
  const fraction = options.percent / 100;
  const label = `p(${options.percent})`;
  const required = findRequiredSamples(
    { kind: "percentile", percent: options.percent },
    options.minTailSamples ?? 10,
  );
  const tables = [baseline, candidate].map((run) => buildQuantileTable(run.recorded, fraction));
  const [baseTable, candTable] = tables as [QuantileTable, QuantileTable];
  const pointMs = tables.map((table) => {
    const value = readWeightedQuantile(table, new Float64Array(table.sliceCount).fill(1));
    return value === null ? null : value / 1000;
  });
  const [baseMs, candMs] = pointMs as [number | null, number | null];
  const tooShort = explainTooFewSlices(
    baseline.slices.length,
    candidate.slices.length,
    settings.minSlices,
  );
  if (tooShort !== null)
    return { kind: "no-effect", baseline: baseMs, candidate: candMs, reason: tooShort };
  if (
    baseline.samples < required ||
    candidate.samples < required ||
    baseMs === null ||
    candMs === null
  ) {
    return {
      kind: "no-effect",
      baseline: baseMs,
      candidate: candMs,
      reason:
        `${label} cannot be claimed from baseline ${baseline.samples} and candidate ${candidate.samples} samples: ` +
        `each run needs ≥ ${required} (${options.minTailSamples ?? 10} beyond the percentile)`,
    };
  }
  const dependence = estimateDependence(readLevelSeries([baseline, candidate], tables, required));
  const estimate =
    Math.log(Math.max(FLOOR_US, candMs * 1000)) - Math.log(Math.max(FLOOR_US, baseMs * 1000));
  const working = resampleEffect(
    `latency:${options.percent}`,
    estimate,
    [
      { sliceCount: baseline.slices.length, statistic: (w) => logQuantile(baseTable, w) },
      { sliceCount: candidate.slices.length, statistic: (w) => logQuantile(candTable, w) },
    ],
    dependence,
    settings,
  );
  return {
    kind: "effect",
    scale: "ratio",
    baseline: baseMs,
    candidate: candMs,
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
