/**
 * Soak: RATE held for hours to surface leaks, slow growth and exhaustion
 * that a short load test cannot. In CI, TIME_SCALE shrinks it (0.002 → ~15s).
 *
 * The mix (lib/mix.ts) checks every response's status and, to keep k6 light,
 * reads and checks the JSON body in 1 of BODY_CHECK_EVERY iterations only.
 *
 * Env: BASE_URL (required), RATE=50, TIME_SCALE=1, DURATION_RAMP_UP=5m,
 * DURATION_STEADY=2h, DURATION_RAMP_DOWN=5m, PRE_VUS, MAX_VUS, BODY_CHECK_EVERY=10,
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
    "soak",
    describeStandardPhases(ratePerSecond, {
      rampUp: readPhaseSeconds("ramp_up", 300, timeScale),
      steady: readPhaseSeconds("steady", 7200, timeScale),
      rampDown: readPhaseSeconds("ramp_down", 300, timeScale),
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
