import { selectJudgedSteps } from "./findings.js";
import { sizeStepVUs, type CapacityPlan } from "./plan.js";
import { needsRepeat, type JudgedRun } from "./repeat.js";
import type { CapacityStep } from "./result.js";
import { decideNextStep, type NextStep, type StepReason } from "./search.js";

/** What the loop knows between steps besides the steps themselves; the caller reads the clock. */
export interface CapacityProgress {
  /** Every step recorded so far, repeated runs included, in the order run. */
  steps: readonly CapacityStep[];
  /** Seconds since the search started. */
  elapsedSeconds: number;
  /** What the last run took beyond its planned phases (measureStepOverhead); FIRST_STEP_OVERHEAD_SECONDS before any. */
  overheadSeconds: number;
  /** A stop was asked for: no step starts after it. */
  interrupted: boolean;
}

/** Assumed k6 start-up, graceful stop and reading time before a step has shown the real figure. */
export const FIRST_STEP_OVERHEAD_SECONDS = 3;

/** One more run's wall time as planned: its phases, the graceful stop and the overhead seen last. */
export function estimateStepSeconds(plan: CapacityPlan, overheadSeconds: number): number {
  return plan.warmUpSeconds + plan.steadySeconds + plan.gracefulStopSeconds + overheadSeconds;
}

/** A run's wall time beyond its warm-up and steady phases, at least 1 s: the next estimate's overhead. */
export function measureStepOverhead(plan: CapacityPlan, wallSeconds: number): number {
  return Math.max(1, wallSeconds - plan.warmUpSeconds - plan.steadySeconds);
}

/**
 * The next step or why the search stops. A step that could not be judged
 * (k6 ended without evidence) stops it as inconclusive: another rate would
 * meet the same problem. Then an interrupt stops it. Otherwise the search
 * decides from the judged steps, with the budget left against what one more
 * run is expected to take.
 */
export function decideCapacityNext(progress: CapacityProgress, plan: CapacityPlan): NextStep {
  if (progress.steps.at(-1)?.outcome === "error") return { kind: "stop", reason: "inconclusive" };
  if (progress.interrupted) return { kind: "stop", reason: "interrupted" };
  return decideNextStep(selectJudgedSteps(progress.steps), plan.settings, {
    remainingSeconds: plan.budgetSeconds - progress.elapsedSeconds,
    nextStepSeconds: estimateStepSeconds(plan, progress.overheadSeconds),
  });
}

/**
 * Whether the run just finished is run again before it counts (needsRepeat:
 * a failure on a machine with no idle CPU), given no interrupt and budget
 * for one more run. `run` is null for a step that could not be judged.
 */
export function shouldRepeatStep(
  run: JudgedRun | null,
  progress: CapacityProgress,
  plan: CapacityPlan,
): boolean {
  if (run === null || !needsRepeat(run, plan.criteria) || progress.interrupted) return false;
  const remainingSeconds = plan.budgetSeconds - progress.elapsedSeconds;
  return remainingSeconds >= estimateStepSeconds(plan, progress.overheadSeconds);
}

/** How one run is set up before it starts. */
export interface CapacityStepSetup {
  /** 1-based, in the order run (a repeat is a step of its own). */
  index: number;
  ratePerSecond: number;
  reason: StepReason;
  /** All VUs are initialised up front (sizeStepVUs), so pre-allocated equals max. */
  preAllocatedVUs: number;
  maxVUs: number;
  /** The step's raw files, relative to the report directory: `steps/03-400rps`. */
  dir: string;
}

/** The set-up of the run after `stepsSoFar` recorded steps, at `ratePerSecond`. */
export function planCapacityStep(
  stepsSoFar: number,
  ratePerSecond: number,
  reason: StepReason,
  plan: CapacityPlan,
): CapacityStepSetup {
  const index = stepsSoFar + 1;
  const maxVUs = sizeStepVUs(ratePerSecond, plan);
  return {
    index,
    ratePerSecond,
    reason,
    preAllocatedVUs: maxVUs,
    maxVUs,
    dir: `steps/${String(index).padStart(2, "0")}-${ratePerSecond}rps`,
  };
}
