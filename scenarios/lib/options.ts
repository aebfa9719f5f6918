/** Options every scenario shares. */
import type { Options } from "k6/options";
import { buildPhaseScenarios, type PhaseSpec, type VuBudget } from "./phases.js";
import { type Thresholds, withSlogateThresholds } from "./thresholds.js";

/** p(99) and count too: the summary export then holds what the SLO tiers ask about. */
export const SUMMARY_TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "count"];

/** Options of a closed-model scenario (fixed VUs and iterations). */
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

/** Options of an open-model scenario: its phases chained, SLOGATE_THRESHOLDS merged. */
export function buildOpenOptions(
  testType: string,
  phases: PhaseSpec[],
  budget: VuBudget,
  own: Thresholds = {},
): Options {
  return buildClosedOptions(testType, buildPhaseScenarios(phases, budget), own);
}
