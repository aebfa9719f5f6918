/**
 * Breakpoint: one ramp from 0 to MAX_RATE that k6 aborts (exit 99) once p95
 * latency or the error rate crosses its limit, so the load reached at the
 * abort approximates capacity. The abort limits default to the seed's Target
 * tier (p95 < 500 ms, errors < 1 %). slogate_offered_rate is MAX_RATE, the
 * ceiling offered; there is no steady phase.
 *
 * The mix (lib/mix.ts) checks every response's status and, to keep k6 light,
 * reads and checks the JSON body in 1 of BODY_CHECK_EVERY iterations only.
 *
 * Env: BASE_URL (required), MAX_RATE=1000, BREAKPOINT_P95_MS=500,
 * BREAKPOINT_ERROR_RATE=0.01, TIME_SCALE=1, DURATION_RAMP_UP=20m,
 * DURATION_ABORT_DELAY=30s, PRE_VUS, MAX_VUS, BODY_CHECK_EVERY=10,
 * SLOGATE_THRESHOLDS.
 */
import {
  buildOpenOptions,
  formatDuration,
  rampPhase,
  readBaseUrl,
  readNumber,
  readPhaseSeconds,
  readTimeScale,
  readVuBudget,
  recordOfferedRate,
} from "slogate/k6";
import {
  MIX_ITERATION_SECONDS,
  MIX_OPTIONS,
  type MixData,
  prepareMix,
  runMixIteration,
} from "./lib/mix.js";

const baseUrl = readBaseUrl();
const timeScale = readTimeScale();
const maxPerSecond = readNumber("MAX_RATE", 1000, {
  above: 0,
  max: 100_000,
  meaning: "the iterations per second the ramp ends at, e.g. 1000",
});
const p95LimitMs = readNumber("BREAKPOINT_P95_MS", 500, {
  above: 0,
  meaning: "the p95 latency in ms that stops the ramp",
});
const errorRateLimit = readNumber("BREAKPOINT_ERROR_RATE", 0.01, {
  above: 0,
  max: 1,
  meaning: "the failed-request ratio (0..1) that stops the ramp",
});
// Judging a handful of first samples would abort on noise; wait for some.
const abortDelay = formatDuration(readPhaseSeconds("abort_delay", 30, timeScale));

const rampUpSeconds = readPhaseSeconds("ramp_up", 1200, timeScale);

export const options = {
  ...buildOpenOptions(
    "breakpoint",
    [rampPhase("ramp_up", "ramp-up", 0, maxPerSecond, rampUpSeconds)],
    readVuBudget(MIX_ITERATION_SECONDS),
    {
      // Only the ramp's requests: setup's few sequential calls say nothing about capacity.
      "http_req_duration{phase:ramp-up}": [
        { threshold: `p(95)<${p95LimitMs}`, abortOnFail: true, delayAbortEval: abortDelay },
      ],
      "http_req_failed{phase:ramp-up}": [
        { threshold: `rate<${errorRateLimit}`, abortOnFail: true, delayAbortEval: abortDelay },
      ],
    },
  ),
  ...MIX_OPTIONS,
};

export function setup(): MixData {
  recordOfferedRate(maxPerSecond);
  return prepareMix(baseUrl);
}

export default function (data: MixData): void {
  runMixIteration(baseUrl, data);
}
