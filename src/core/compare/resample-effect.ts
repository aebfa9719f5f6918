import {
  chooseBlockSlices,
  findVarianceInflation,
  inflateSpread,
  resampleRun,
  type Dependence,
} from "./block-bootstrap.js";
import { buildDifferenceInterval, type WorkingInterval } from "./interval.js";
import { createSeededRandom, deriveSeed } from "./random.js";
import type { BootstrapSettings } from "./settings.js";

/** One run as the resampler sees it: its slice count and its statistic of a slice weighting. */
export interface ResampledRun {
  sliceCount: number;
  statistic: (weights: Float64Array) => number | null;
}

/** A bootstrap interval of candidate − baseline on the working scale, with the block lengths used. */
export interface ResampledInterval extends WorkingInterval {
  blockSlices: [number, number];
  inflation: [number, number];
}

/**
 * Resamples each run on its own (circular blocks, its own seeded stream),
 * stretches each run's replicates by the variance its blocks could not
 * reproduce, and forms the interval of candidate − baseline per replicate.
 */
export function resampleEffect(
  label: string,
  estimate: number,
  runs: [ResampledRun, ResampledRun],
  dependence: Dependence | null,
  settings: BootstrapSettings,
): ResampledInterval {
  const seed = deriveSeed(settings.seed, label);
  const parts = runs.map((run, k) => {
    const block =
      settings.blockSlices === "auto"
        ? chooseBlockSlices(dependence, run.sliceCount)
        : Math.min(run.sliceCount, Math.max(1, Math.round(settings.blockSlices)));
    const inflation = settings.dependenceCorrection
      ? findVarianceInflation(dependence, run.sliceCount, block)
      : 1;
    const replicates = resampleRun(
      createSeededRandom(deriveSeed(seed, k === 0 ? "baseline" : "candidate")),
      run.sliceCount,
      block,
      settings.replicates,
      run.statistic,
    );
    return {
      block,
      inflation,
      replicates: {
        values: inflateSpread(replicates.values, inflation),
        blocks: replicates.blocks,
      },
    };
  });
  const [base, cand] = parts as [(typeof parts)[number], (typeof parts)[number]];
  const working = buildDifferenceInterval(
    estimate,
    base.replicates,
    cand.replicates,
    settings.confidence,
    settings.dependenceCorrection,
  );
  return {
    ...working,
    blockSlices: [base.block, cand.block],
    inflation: [base.inflation, cand.inflation],
  };
}

/** The method line of a resampled effect, e.g. for a verdict's detail. */
export function describeResampling(
  interval: ResampledInterval,
  dependence: Dependence | null,
  replicates: number,
): string {
  const drift =
    dependence === null
      ? "dependence unknown"
      : `lag-1 autocorrelation ${dependence.lag1.toFixed(2)}`;
  return (
    `circular block bootstrap over time slices, ${replicates} replicates, ` +
    `blocks of ${interval.blockSlices.join("/")} slices (${drift}), ` +
    `variance ×${interval.inflation.map((x) => x.toFixed(2)).join("/")} for drift beyond a block, ` +
    `×${interval.widening.toFixed(2)} wider for ${interval.degreesOfFreedom.toFixed(0)} degrees of freedom`
  );
}
