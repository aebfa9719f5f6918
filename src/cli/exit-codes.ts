import type { CapacityResult } from "../core/capacity/result.js";
import type { ComparisonVerdict } from "../core/compare/index.js";
import type { Outcome } from "../core/types.js";

/** The signals that stop a command gracefully; any other ends the process as by default. */
export type StopSignal = "SIGINT" | "SIGTERM";

/** A verdict's exit code: the contract CI systems read. */
export const VERDICT_EXIT: Readonly<Record<Outcome, number>> = {
  pass: 0,
  fail: 1,
  inconclusive: 2,
  error: 3,
};

/** Usage, config, bad input, a k6 failure or a missing dependency: the code of an `error` verdict. */
export const ERROR_EXIT = VERDICT_EXIT.error;

/**
 * A capacity search's exit code by the kind of answer: a capacity or a
 * lower bound is an answer (0), even the lowest rate failing is not (1), and
 * nothing conclusive is no evidence (2), as for a verdict.
 */
export const CAPACITY_EXIT: Readonly<Record<CapacityResult["kind"], number>> = {
  found: 0,
  "generator-limited": 0,
  "ceiling-reached": 0,
  "lower-bound": 0,
  "no-passing-rate": 1,
  "no-result": 2,
};

/**
 * `slogate compare`: no change that matters (unchanged or improved) is 0, a
 * regression of a mandatory objective 1, not enough evidence to tell 2.
 */
export const COMPARISON_EXIT: Readonly<Record<ComparisonVerdict, number>> = {
  unchanged: 0,
  improved: 0,
  regressed: 1,
  inconclusive: 2,
};

/**
 * Interrupted by a signal: 128 + its number, as a shell reports a process
 * the signal ended, whatever the command found before it stopped. CI runners
 * and scripts read 130 as "the user pressed Ctrl-C", not as a failed SLO.
 */
export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = {
  SIGINT: 128 + 2,
  SIGTERM: 128 + 15,
};

export const EXIT_HELP = `
Exit codes:
  0    pass          every mandatory objective reached the required tier
  1    fail          an objective missed the required tier
  2    inconclusive  not enough evidence (no or too few samples, load not delivered, window too short)
  3    error         usage, config, bad input, k6 failure or a missing dependency
  130  SIGINT        Ctrl-C during run, demo or capacity: stopped after writing what was measured
  143  SIGTERM       the same on SIGTERM
capacity exits 0 with an answer (capacity, ceiling reached, lower bound),
1 when even the lowest rate failed, 2 when nothing was conclusive.
compare exits 0 unchanged or improved, 1 regressed, 2 inconclusive, 3 error.`;
