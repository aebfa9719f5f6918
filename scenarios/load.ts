/**
 * Load: the expected traffic, open model. Ramp up to RATE, hold it, ramp
 * down (the seed's 2m / 5m / 2m shape); evaluation reads the steady phase.
 *
 * Env: BASE_URL (required), RATE=50, TIME_SCALE=1, DURATION_RAMP_UP=2m,
 * DURATION_STEADY=5m, DURATION_RAMP_DOWN=2m, PRE_VUS, MAX_VUS, SLOGATE_THRESHOLDS.
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
import { MIX_ITERATION_SECONDS, type MixData, prepareMix, runMixIteration } from "./lib/mix.js";

const baseUrl = readBaseUrl();
const timeScale = readTimeScale();
const ratePerSecond = readRate(50);

export const options = buildOpenOptions(
  "load",
  describeStandardPhases(ratePerSecond, {
    rampUp: readPhaseSeconds("ramp_up", 120, timeScale),
    steady: readPhaseSeconds("steady", 300, timeScale),
    rampDown: readPhaseSeconds("ramp_down", 120, timeScale),
  }),
  readVuBudget(MIX_ITERATION_SECONDS),
);

export function setup(): MixData {
  recordOfferedRate(ratePerSecond);
  return prepareMix(baseUrl);
}

export default function (data: MixData): void {
  runMixIteration(baseUrl, data);
}
