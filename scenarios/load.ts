/**
 * Load: the expected traffic, open model. Ramp up to RATE, hold it, ramp
 * down (the seed's 2m / 5m / 2m shape); evaluation reads the steady phase.
 *
 * The mix (lib/mix.ts) checks every response's status and, to keep k6 light,
 * reads and checks the JSON body in 1 of BODY_CHECK_EVERY iterations only.
 *
 * Env: BASE_URL (required), RATE=50, TIME_SCALE=1, DURATION_RAMP_UP=2m,
 * DURATION_STEADY=5m, DURATION_RAMP_DOWN=2m, PRE_VUS, MAX_VUS, BODY_CHECK_EVERY=10,
 * SLOGATE_THRESHOLDS.
 */
import {
  buildOpenOptions,
  describeStandardPhases,
  readBaseUrl,
  readPhaseSeconds,
  readRate,
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
const ratePerSecond = readRate(50);

export const options = {
  ...buildOpenOptions(
    "load",
    describeStandardPhases(ratePerSecond, {
      rampUp: readPhaseSeconds("ramp_up", 120, timeScale),
      steady: readPhaseSeconds("steady", 300, timeScale),
      rampDown: readPhaseSeconds("ramp_down", 120, timeScale),
    }),
    readVuBudget(MIX_ITERATION_SECONDS),
  ),
  ...MIX_OPTIONS,
};

export function setup(): MixData {
  recordOfferedRate(ratePerSecond);
  return prepareMix(baseUrl);
}

export default function (data: MixData): void {
  runMixIteration(baseUrl, data);
}
