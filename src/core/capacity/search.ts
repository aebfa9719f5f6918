import type { CapacityStepOutcome } from "./step.js";
import { findTier } from "../tiers.js";
import type { Tier, TierBounds } from "../types.js";

/** How the search moves: grow geometrically until a step fails, then narrow the bracket. */
export interface CapacitySearchSettings {
  /** The first rate tried, req/s. */
  startRatePerSecond: number;
  /** Never tried below this (too few samples to judge); req/s. */
  minRatePerSecond: number;
  /** The user's ceiling: never tried above it; req/s. */
  maxRatePerSecond: number;
  /** Rate multiplier while every step passes (e.g. 2). */
  growthFactor: number;
  /** Stop once (first failing − capacity) / capacity is at most this (e.g. 0.05). */
  precisionRatio: number;
  maxSteps: number;
}

/** Why a step ran at its rate. */
export type StepReason = "start" | "grow" | "shrink" | "hint" | "edge" | "bisect" | "repeat";

/** What the search needs to know about a finished step. */
export interface SearchStep {
  ratePerSecond: number;
  outcome: CapacityStepOutcome;
  reason: StepReason;
  /** Completions per second; a saturated service completes at about its capacity. */
  achievedRatePerSecond: number | null;
}

export type StopReason =
  | "precision"
  | "ceiling"
  | "generator"
  | "no-passing-rate"
  | "inconclusive"
  | "max-steps"
  | "budget"
  | "interrupted";

export type NextStep =
  | { kind: "step"; ratePerSecond: number; reason: StepReason }
  | { kind: "stop"; reason: StopReason };

/** Time left and what one more step would take, both in seconds; null for no budget. */
export interface SearchBudget {
  remainingSeconds: number;
  nextStepSeconds: number;
}

/**
 * The bracket so far: the lowest rate that did not pass (the service failed,
 * or k6 could not deliver it) and the highest passing rate below it.
 */
export function findBracket(steps: readonly SearchStep[]): {
  passRatePerSecond: number | null;
  upperRatePerSecond: number | null;
  /** Who set the upper end: the service (a failing step) or the load generator. */
  upperLimitedBy: "service" | "generator" | null;
  /** The lowest rate the service itself failed at. */
  failRatePerSecond: number | null;
} {
  const lowest = (outcome: CapacityStepOutcome) => {
    const rates = steps
      .filter((step) => step.outcome === outcome)
      .map((step) => step.ratePerSecond);
    return rates.length > 0 ? Math.min(...rates) : null;
  };
  const fail = lowest("fail");
  const generator = lowest("generator-limited");
  // At the same rate, a service failure is the stronger statement.
  const upperLimitedBy =
    fail !== null && (generator === null || fail <= generator)
      ? "service"
      : generator !== null
        ? "generator"
        : null;
  const upper = upperLimitedBy === "service" ? fail : generator;
  const passes = steps
    .filter((step) => step.outcome === "pass" && (upper === null || step.ratePerSecond < upper))
    .map((step) => step.ratePerSecond);
  return {
    passRatePerSecond: passes.length > 0 ? Math.max(...passes) : null,
    upperRatePerSecond: upper,
    upperLimitedBy,
    failRatePerSecond: fail,
  };
}

/**
 * Decides the next step from the finished ones. Growth: start, then ×growth
 * up to the ceiling while every step passes. Once a step fails (the service
 * saturated), the bracket [highest pass, lowest fail] narrows until its
 * width is within the precision. A failing step that fell clearly behind its
 * offer completed at about the service's capacity, so that rate ("hint") is
 * tried first; when the hint is at or below the highest pass, the edge is
 * just above it and pass × (1 + precision) is tried ("edge", at most twice in
 * a row). Otherwise the bracket is bisected. A step k6 could not deliver
 * closes the bracket like a failure (its achieved rate is the hint), so the
 * search then narrows the generator's own limit: "at least N req/s (limited
 * by the load generator)" with N as high as k6 can go. Rates are whole req/s.
 */
export function decideNextStep(
  steps: readonly SearchStep[],
  settings: CapacitySearchSettings,
  budget: SearchBudget | null = null,
): NextStep {
  if (steps.some((step) => step.outcome === "inconclusive"))
    return { kind: "stop", reason: "inconclusive" };
  const next = chooseRate(steps, settings);
  if (next.kind === "stop") return next;
  if (steps.length >= settings.maxSteps) return { kind: "stop", reason: "max-steps" };
  if (budget !== null && budget.nextStepSeconds > budget.remainingSeconds)
    return { kind: "stop", reason: "budget" };
  return next;
}

function chooseRate(steps: readonly SearchStep[], settings: CapacitySearchSettings): NextStep {
  const floor = Math.max(1, Math.ceil(settings.minRatePerSecond));
  const ceiling = Math.max(floor, Math.floor(settings.maxRatePerSecond));
  const tried = new Set(steps.map((step) => step.ratePerSecond));
  if (steps.length === 0) {
    const start = Math.min(ceiling, Math.max(floor, Math.round(settings.startRatePerSecond)));
    return { kind: "step", ratePerSecond: start, reason: "start" };
  }
  const bracket = findBracket(steps);
  const { passRatePerSecond: pass, upperRatePerSecond: fail } = bracket;
  // Narrowing below a generator limit finds how much k6 can deliver: a tighter "at least".
  const settled: StopReason = bracket.upperLimitedBy === "generator" ? "generator" : "precision";
  const failStep = steps.find((step) => step.outcome !== "pass" && step.ratePerSecond === fail);
  const hint =
    failStep?.achievedRatePerSecond === null || failStep === undefined
      ? null
      : Math.floor(failStep.achievedRatePerSecond);

  if (fail === null) {
    if (pass === null) return { kind: "stop", reason: "inconclusive" };
    if (pass >= ceiling) return { kind: "stop", reason: "ceiling" };
    const grown = Math.min(ceiling, Math.max(pass + 1, Math.ceil(pass * settings.growthFactor)));
    return { kind: "step", ratePerSecond: grown, reason: "grow" };
  }

  if (pass === null) {
    if (fail <= floor)
      return { kind: "stop", reason: settled === "generator" ? "generator" : "no-passing-rate" };
    const shrunk = Math.max(floor, Math.floor(fail / settings.growthFactor));
    if (hint !== null && hint >= floor && hint < shrunk && !tried.has(hint)) {
      return { kind: "step", ratePerSecond: hint, reason: "hint" };
    }
    return { kind: "step", ratePerSecond: shrunk, reason: "shrink" };
  }

  if (fail - pass <= 1 || (fail - pass) / pass <= settings.precisionRatio) {
    return { kind: "stop", reason: settled };
  }
  const edge = Math.ceil(pass * (1 + settings.precisionRatio));
  // A hint is only news when the failing step fell clearly behind its offer.
  const usefulHint = hint !== null && hint < fail * (1 - settings.precisionRatio) ? hint : null;
  if (usefulHint !== null && usefulHint > edge && !tried.has(usefulHint)) {
    return { kind: "step", ratePerSecond: usefulHint, reason: "hint" };
  }
  // The service completed about `pass` req/s (or less) when offered more: the edge
  // is just above the highest pass. Walk up at most twice, then bisect.
  let edgesInARow = 0;
  for (let index = steps.length - 1; index >= 0 && steps[index]?.reason === "edge"; index--) {
    edgesInARow++;
  }
  if (usefulHint !== null && edge < fail && !tried.has(edge) && edgesInARow < 2) {
    return { kind: "step", ratePerSecond: edge, reason: "edge" };
  }
  const middle = Math.round((pass + fail) / 2);
  if (middle <= pass || middle >= fail || tried.has(middle))
    return { kind: "stop", reason: settled };
  return { kind: "step", ratePerSecond: middle, reason: "bisect" };
}

/** What a search found, in words and numbers. */
export interface CapacityFinding {
  /**
   * found: capacity between the two rates, within the precision (or wider when stopped early);
   * generator-limited: k6 could not offer more, so the capacity is at least the figure;
   * ceiling-reached: every rate up to the user's ceiling passed;
   * lower-bound: stopped (budget, steps, interrupt) before any step failed;
   * no-passing-rate: even the lowest rate failed; no-result: nothing conclusive.
   */
  kind:
    | "found"
    | "generator-limited"
    | "ceiling-reached"
    | "lower-bound"
    | "no-passing-rate"
    | "no-result";
  /** Highest passing rate (below the first failing one), req/s. */
  capacityRatePerSecond: number | null;
  /** Lowest rate at which the service failed, req/s. */
  firstFailingRatePerSecond: number | null;
  /** Lowest rate k6 could not deliver, when that ended the search, req/s. */
  generatorLimitRatePerSecond: number | null;
  /** True when the capacity is only a lower bound. */
  atLeast: boolean;
  /** (upper end − capacity) / capacity: how tight the bracket is; null without both. */
  bracketRatio: number | null;
  /** The throughput tier the capacity reaches (a lower bound when atLeast). */
  throughputTier: Tier | null;
  /** One line, e.g. "capacity 205 req/s (first failing 216 req/s)". */
  statement: string;
}

/** Condenses the steps into the result; pure. */
export function summarizeCapacity(
  steps: readonly SearchStep[],
  stopReason: StopReason,
  throughputBounds: TierBounds,
): CapacityFinding {
  const bracket = findBracket(steps);
  const { passRatePerSecond: pass, failRatePerSecond: fail } = bracket;
  const tier = pass === null ? null : findTier(pass, throughputBounds);
  const base = {
    capacityRatePerSecond: pass,
    firstFailingRatePerSecond: fail,
    generatorLimitRatePerSecond:
      bracket.upperLimitedBy === "generator" ? bracket.upperRatePerSecond : null,
    bracketRatio:
      pass !== null && bracket.upperRatePerSecond !== null
        ? (bracket.upperRatePerSecond - pass) / pass
        : null,
    throughputTier: tier,
  };
  if (bracket.upperLimitedBy === "generator") {
    return {
      ...base,
      kind: "generator-limited",
      atLeast: true,
      statement:
        pass === null
          ? `no result: the load generator could not offer ${bracket.upperRatePerSecond} req/s (limited by the load generator)`
          : `at least ${pass} req/s (limited by the load generator)`,
    };
  }
  if (pass !== null && fail !== null) {
    return {
      ...base,
      kind: "found",
      atLeast: false,
      statement: `capacity ${pass} req/s (first failing ${fail} req/s)`,
    };
  }
  if (pass !== null) {
    const why =
      stopReason === "ceiling" ? "every rate up to the ceiling passed" : `stopped: ${stopReason}`;
    return {
      ...base,
      kind: stopReason === "ceiling" ? "ceiling-reached" : "lower-bound",
      atLeast: true,
      statement: `at least ${pass} req/s (${why})`,
    };
  }
  if (fail !== null) {
    return {
      ...base,
      kind: "no-passing-rate",
      atLeast: false,
      statement: `below ${fail} req/s: even the lowest rate tried failed`,
    };
  }
  return { ...base, kind: "no-result", atLeast: false, statement: `no result (${stopReason})` };
}
