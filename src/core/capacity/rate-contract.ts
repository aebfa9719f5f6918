/**
 * Whether a capacity step's scenario ran the rate the search asked for. The
 * search sets RATE for every step and reads the step's steady phase; a
 * scenario that ignores RATE (its own fixed rate, a closed model, another
 * variable name) would make every step measure the same load, and the
 * "capacity" found would be the search's ceiling or floor, not the service's.
 */

/** How far the recorded or run rate may be from RATE before the scenario is taken to ignore it. */
export const RATE_CONTRACT_TOLERANCE = 0.2;

/**
 * Too few iterations are blamed on the scenario only while the machine was at
 * most this busy: a CPU-starved k6 falls behind its schedule without dropping
 * arrivals or being judged generator-limited, and runs fewer iterations too.
 */
export const IDLE_HOST_RATIO = 0.5;

/** What one judged step shows about the rate its scenario ran. */
export interface RateContractInput {
  /** RATE, as the search set it, iterations per second. */
  configuredRatePerSecond: number;
  /** The scenario's own `slogate_offered_rate` (recordOfferedRate); null when it recorded none. */
  recordedRatePerSecond: number | null;
  /** Whether any iteration, request or dropped arrival was tagged phase=steady. */
  steadyPhaseSeen: boolean;
  /** The planned steady phase, seconds. */
  steadySeconds: number;
  /** Steady iterations that completed. */
  completedIterations: number;
  /** Steady arrivals k6 dropped (they count as offered). */
  droppedIterations: number;
  /** The step's VU pool: at most this many iterations can still be running when the phase ends. */
  maxVUs: number;
  /** k6 itself was the bottleneck (judgeCapacityStep): it may have run fewer iterations than offered. */
  generatorLimited: boolean;
  /** A mandatory objective failed: a saturated service may complete fewer iterations than offered. */
  serviceFailed: boolean;
  /** Share of the machine's CPU that was busy over the steady phase; null when unknown. */
  hostBusyRatio: number | null;
}

export type RateContractCheck =
  | { kind: "followed" }
  /** `problem` completes "the scenario …", e.g. "recorded no offered rate". */
  | { kind: "ignored"; problem: string };

const round = (value: number) => String(Math.round(value * 10) / 10);

/**
 * Checks one step against the capacity contract: steady iterations tagged
 * phase=steady, RATE recorded as the offered rate, and about RATE ×
 * steady seconds iterations started (completed + dropped). More than 20 %
 * too many always breaks it; too few only while the step shows neither a
 * saturated service nor a limited generator (either can slow iterations
 * down) and the machine had idle CPU, allowing for the iterations still in
 * flight at the end (at most the VU pool).
 */
export function checkRateContract(input: RateContractInput): RateContractCheck {
  const rate = input.configuredRatePerSecond;
  if (!input.steadyPhaseSeen) {
    return { kind: "ignored", problem: "ran no iteration tagged phase=steady" };
  }
  if (input.recordedRatePerSecond === null) {
    return {
      kind: "ignored",
      problem: `recorded no offered rate (slogate_offered_rate) while RATE=${rate}`,
    };
  }
  if (Math.abs(input.recordedRatePerSecond - rate) > RATE_CONTRACT_TOLERANCE * rate) {
    return {
      kind: "ignored",
      problem: `recorded an offered rate of ${round(input.recordedRatePerSecond)}/s while RATE=${rate}`,
    };
  }
  const expected = rate * input.steadySeconds;
  const started = input.completedIterations + input.droppedIterations;
  const startedRate = input.steadySeconds > 0 ? started / input.steadySeconds : 0;
  if (started > expected * (1 + RATE_CONTRACT_TOLERANCE)) {
    return {
      kind: "ignored",
      problem: `ran ${started} steady iterations (${round(startedRate)}/s) where RATE=${rate} over ${input.steadySeconds} s asks for ${Math.round(expected)}`,
    };
  }
  const slowedDown = input.generatorLimited || input.serviceFailed;
  const idleHost = input.hostBusyRatio !== null && input.hostBusyRatio <= IDLE_HOST_RATIO;
  if (
    !slowedDown &&
    idleHost &&
    started + input.maxVUs < expected * (1 - RATE_CONTRACT_TOLERANCE)
  ) {
    return {
      kind: "ignored",
      problem: `ran ${started} steady iterations (${round(startedRate)}/s) where RATE=${rate} over ${input.steadySeconds} s asks for ${Math.round(expected)}, with neither the service nor k6 saturated`,
    };
  }
  return { kind: "followed" };
}
