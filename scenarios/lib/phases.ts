/**
 * Open-model load shapes as chained k6 scenarios. Each phase is its own k6
 * scenario (`ramp_up`, `steady`, `ramp_down`, …) with `tags.phase`, so every
 * sample says which part of the test produced it and evaluation can keep to
 * phase=steady.
 */
import type { Scenario } from "k6/options";
import { formatDuration } from "./durations.js";
import { readNumber, readRaw } from "./env.js";

export interface RateStage {
  durationSeconds: number;
  targetPerSecond: number;
}

export interface PhaseSpec {
  /** The k6 scenario name, e.g. "ramp_up". */
  scenario: string;
  /** The `phase` tag value, e.g. "ramp-up". */
  phase: string;
  startPerSecond: number;
  stages: RateStage[];
  /** More tags for this phase's samples, e.g. { step: "2" }. */
  tags?: Record<string, string>;
}

export interface VuBudget {
  /** PRE_VUS when set: VUs initialised before each phase starts. */
  preAllocatedVUs?: number;
  /** MAX_VUS when set: the most VUs a phase may grow to when iterations slow down. */
  maxVUs?: number;
  /** How long one iteration is expected to take, to size the pools when PRE_VUS/MAX_VUS are unset. */
  iterationSeconds: number;
}

/**
 * How long k6 waits for a phase's in-flight iterations after it ends. Not
 * scaled: it bounds a hung service, it does not shape the load.
 */
export const GRACEFUL_STOP = "10s";

/** RATE: steady-state iterations per second. */
export function readRate(fallbackPerSecond: number): number {
  return readNumber("RATE", fallbackPerSecond, {
    above: 0,
    max: 100_000,
    meaning: "the steady-state iterations per second, e.g. 50",
  });
}

/** PRE_VUS and MAX_VUS; unset ones are sized from each phase's peak rate. */
export function readVuBudget(iterationSeconds: number): VuBudget {
  const budget: VuBudget = { iterationSeconds };
  const rule = { min: 1, max: 10_000, integer: true };
  if (readRaw("PRE_VUS") !== undefined) {
    budget.preAllocatedVUs = readNumber("PRE_VUS", 1, {
      ...rule,
      meaning: "VUs to pre-allocate per phase",
    });
  }
  if (readRaw("MAX_VUS") !== undefined) {
    budget.maxVUs = readNumber("MAX_VUS", 1, { ...rule, meaning: "the most VUs per phase" });
  }
  return budget;
}

/** ramp_up from 0 to `ratePerSecond`, steady at it, ramp_down to 0. */
export function describeStandardPhases(
  ratePerSecond: number,
  seconds: { rampUp: number; steady: number; rampDown: number },
): PhaseSpec[] {
  return [
    rampPhase("ramp_up", "ramp-up", 0, ratePerSecond, seconds.rampUp),
    holdPhase("steady", "steady", ratePerSecond, seconds.steady),
    rampPhase("ramp_down", "ramp-down", ratePerSecond, 0, seconds.rampDown),
  ];
}

/** A phase whose arrival rate moves linearly from `fromPerSecond` to `toPerSecond`. */
export function rampPhase(
  scenario: string,
  phase: string,
  fromPerSecond: number,
  toPerSecond: number,
  durationSeconds: number,
): PhaseSpec {
  return {
    scenario,
    phase,
    startPerSecond: fromPerSecond,
    stages: [{ durationSeconds, targetPerSecond: toPerSecond }],
  };
}

/** A phase at a constant arrival rate (e.g. the judged `steady` phase). */
export function holdPhase(
  scenario: string,
  phase: string,
  ratePerSecond: number,
  durationSeconds: number,
): PhaseSpec {
  return rampPhase(scenario, phase, ratePerSecond, ratePerSecond, durationSeconds);
}

/** Seconds from the first phase's start to the last one's end (without graceful stops). */
export function sumPhaseSeconds(phases: PhaseSpec[]): number {
  return phases.reduce(
    (total, phase) => total + phase.stages.reduce((sum, stage) => sum + stage.durationSeconds, 0),
    0,
  );
}

/** The k6 `scenarios` option for phases run one after another. */
export function buildPhaseScenarios(
  phases: PhaseSpec[],
  budget: VuBudget,
): Record<string, Scenario> {
  const scenarios: Record<string, Scenario> = {};
  let startSeconds = 0;
  for (const phase of phases) {
    scenarios[phase.scenario] = buildPhaseScenario(phase, startSeconds, budget);
    startSeconds += sumPhaseSeconds([phase]);
  }
  return scenarios;
}

function buildPhaseScenario(phase: PhaseSpec, startSeconds: number, budget: VuBudget): Scenario {
  const rates = [phase.startPerSecond, ...phase.stages.map((stage) => stage.targetPerSecond)];
  const peakPerSecond = Math.max(...rates);
  // k6 takes whole iterations per timeUnit; a fractional rate (RATE=2.5, or
  // 1.5 × RATE) is counted per minute instead, exact to 1/60 iteration/s.
  const perMinute = !rates.every(Number.isInteger);
  const toUnit = (perSecond: number) => (perMinute ? Math.round(perSecond * 60) : perSecond);
  const neededVUs = Math.ceil(peakPerSecond * budget.iterationSeconds);
  const preAllocatedVUs = budget.preAllocatedVUs ?? Math.max(1, neededVUs);
  // Room for iterations that slow down 4× before k6 starts dropping them
  // (dropped_iterations), which is itself evidence the service saturated.
  const maxVUs = Math.max(preAllocatedVUs, budget.maxVUs ?? Math.max(2, neededVUs * 4));
  const common = {
    startTime: formatDuration(startSeconds),
    gracefulStop: GRACEFUL_STOP,
    timeUnit: perMinute ? "1m" : "1s",
    preAllocatedVUs,
    maxVUs,
    tags: { ...phase.tags, phase: phase.phase },
  };
  const only = phase.stages[0];
  if (phase.stages.length === 1 && only && only.targetPerSecond === phase.startPerSecond) {
    return {
      executor: "constant-arrival-rate",
      ...common,
      rate: toUnit(only.targetPerSecond),
      duration: formatDuration(only.durationSeconds),
    };
  }
  return {
    executor: "ramping-arrival-rate",
    ...common,
    startRate: toUnit(phase.startPerSecond),
    stages: phase.stages.map((stage) => ({
      duration: formatDuration(stage.durationSeconds),
      target: toUnit(stage.targetPerSecond),
    })),
  };
}
