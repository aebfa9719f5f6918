/** Options every scenario shares. */
import type { Options } from "k6/options";
import { buildPhaseScenarios, type PhaseSpec, type VuBudget } from "./phases.js";
import { type Thresholds, withSlogateThresholds } from "./thresholds.js";

/** p(99) and count too: the summary export then holds what the SLO tiers ask about. */
export const SUMMARY_TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "count"];

/**
 * Options of a closed-model scenario (fixed VUs and iterations, e.g. a smoke
 * test): your k6 `scenarios`, every sample tagged `test_type`, the summary
 * statistics slogate reads, and your thresholds merged with SLOGATE_THRESHOLDS.
 */
export function buildClosedOptions(
  testType: string,
  scenarios: NonNullable<Options["scenarios"]>,
  own: Thresholds = {},
): Options {
  return {
    scenarios,
    thresholds: withSlogateThresholds(own),
    // Every sample says which scenario file produced it.
    tags: { test_type: testType },
    summaryTrendStats: SUMMARY_TREND_STATS,
  };
}

/**
 * Options of an open-model scenario: each phase a ramping- or
 * constant-arrival-rate k6 scenario tagged `phase`, chained one after
 * another, SLOGATE_THRESHOLDS merged with `own`. slogate judges the phase
 * tagged `steady`.
 * @example
 * const rate = readRate(20);
 * export const options = buildOpenOptions(
 *   "load",
 *   describeStandardPhases(rate, { rampUp: 30, steady: 120, rampDown: 30 }),
 *   readVuBudget(0.2),
 * );
 */
export function buildOpenOptions(
  testType: string,
  phases: PhaseSpec[],
  budget: VuBudget,
  own: Thresholds = {},
): Options {
  return buildClosedOptions(testType, buildPhaseScenarios(phases, budget), own);
}
