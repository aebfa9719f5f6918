/**
 * The capacity step contract: what `slogate capacity` sets for each step and
 * how a scenario turns it into k6 options. Each step runs the scenario once
 * with RATE (arrival rate, iterations per second), DURATION_WARMUP,
 * DURATION_STEADY, PRE_VUS, MAX_VUS and CAPACITY_GRACEFUL_STOP; the scenario
 * runs a `warm_up` phase (tag phase=warm-up, never judged) and then a
 * `steady` phase (phase=steady, judged), both at RATE, with one request per
 * iteration, and records RATE as its offered rate from setup().
 */
import type { Options, Scenario } from "k6/options";
import {
  formatDuration,
  parseDurationSeconds,
  readPhaseSeconds,
  readTimeScale,
} from "./durations.js";
import { readNumber, readRaw, ScenarioEnvError } from "./env.js";
import { buildClosedOptions } from "./options.js";
import type { Thresholds } from "./thresholds.js";

/** How a capacity step is shaped; every field comes from the environment `slogate capacity` sets. */
export interface CapacityStepSpec {
  /** RATE: the constant arrival rate of both phases, iterations (= requests) per second. */
  ratePerSecond: number;
  warmUpSeconds: number;
  steadySeconds: number;
  preAllocatedVUs: number;
  maxVUs: number;
  /** How long in-flight iterations may finish after each phase, a k6 duration. */
  gracefulStop: string;
}

/**
 * RATE for a capacity step: a whole number of iterations per second (the
 * search only offers whole req/s). Pass the same value to recordOfferedRate()
 * in setup().
 */
export function readCapacityRate(fallbackPerSecond = 50): number {
  return readNumber("RATE", fallbackPerSecond, {
    min: 1,
    max: 100_000,
    integer: true,
    meaning: "the offered requests per second, a whole number, e.g. 200",
  });
}

/**
 * The step as `slogate capacity` asked for it: RATE, DURATION_WARMUP (5s),
 * DURATION_STEADY (10s), TIME_SCALE, PRE_VUS, MAX_VUS and
 * CAPACITY_GRACEFUL_STOP (2s), each checked with one clear line on a bad value.
 */
export function readCapacityStep(fallbackPerSecond = 50): CapacityStepSpec {
  const ratePerSecond = readCapacityRate(fallbackPerSecond);
  const timeScale = readTimeScale();
  // A service that answers in S ms under load needs RATE × S / 1000 VUs busy at
  // once; room for 4× that before k6 drops iterations (which then says the
  // service, or the generator, is saturated).
  const preAllocatedVUs = readNumber("PRE_VUS", Math.max(5, Math.ceil(ratePerSecond * 0.05)), {
    min: 1,
    max: 20_000,
    integer: true,
    meaning: "VUs to initialise before the warm-up",
  });
  const maxVUs = Math.max(
    preAllocatedVUs,
    readNumber("MAX_VUS", preAllocatedVUs * 4, {
      min: 1,
      max: 20_000,
      integer: true,
      meaning: "the most VUs a step may use",
    }),
  );
  return {
    ratePerSecond,
    warmUpSeconds: readPhaseSeconds("warmup", 5, timeScale),
    steadySeconds: readPhaseSeconds("steady", 10, timeScale),
    preAllocatedVUs,
    maxVUs,
    gracefulStop: readGracefulStop(),
  };
}

function readGracefulStop(): string {
  const raw = readRaw("CAPACITY_GRACEFUL_STOP");
  if (raw === undefined) return "2s";
  const seconds = parseDurationSeconds(raw);
  if (seconds === null || seconds < 0 || seconds > 600) {
    throw new ScenarioEnvError(
      `CAPACITY_GRACEFUL_STOP=${raw} is not a duration from 0s to 10m; use e.g. 2s`,
    );
  }
  return formatDuration(seconds);
}

function describeStepPhase(
  step: CapacityStepSpec,
  phase: string,
  startSeconds: number,
  seconds: number,
): Scenario {
  return {
    executor: "constant-arrival-rate",
    rate: step.ratePerSecond,
    timeUnit: "1s",
    duration: formatDuration(seconds),
    startTime: formatDuration(startSeconds),
    preAllocatedVUs: step.preAllocatedVUs,
    maxVUs: step.maxVUs,
    gracefulStop: step.gracefulStop,
    tags: { phase },
  };
}

/**
 * k6 options of a capacity step: `warm_up` then `steady`, both
 * constant-arrival-rate at RATE and tagged `phase`, SLOGATE_THRESHOLDS merged
 * with `own`, and a light generator (response bodies discarded, only the tags
 * slogate reads). Read a body with `responseType: "text"` on that request.
 * @example
 * const step = readCapacityStep();
 * export const options = buildCapacityOptions(step);
 * export function setup() { recordOfferedRate(step.ratePerSecond); }
 * export default function () { call(baseUrl, "GET", "/items/1", { route: "/items/:id" }); }
 */
export function buildCapacityOptions(
  step: CapacityStepSpec = readCapacityStep(),
  testType = "capacity",
  own: Thresholds = {},
): Options {
  return {
    ...buildClosedOptions(
      testType,
      {
        warm_up: describeStepPhase(step, "warm-up", 0, step.warmUpSeconds),
        steady: describeStepPhase(step, "steady", step.warmUpSeconds, step.steadySeconds),
      },
      own,
    ),
    // The generator must be as light as it can be: no response bodies kept, and
    // only the tags evaluation reads (each point is written to the NDJSON).
    discardResponseBodies: true,
    systemTags: ["status", "method", "name", "scenario", "expected_response", "error_code"],
  };
}
