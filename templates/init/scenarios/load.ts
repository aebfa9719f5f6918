/**
 * Load: the traffic you expect, open model. The arrival rate ramps up to
 * RATE, holds it (the `steady` phase slogate judges), and ramps down.
 *
 *   npx slogate run scenarios/load.ts --target http://127.0.0.1:8080 --rate 50
 *
 * Env: BASE_URL, RATE (iterations per second, 20 by default), TIME_SCALE
 * (multiplies every phase: 0.1 for a short CI run), DURATION_RAMP_UP,
 * DURATION_STEADY, DURATION_RAMP_DOWN, PRE_VUS, MAX_VUS.
 */
import {
  buildOpenOptions,
  call,
  checkResponse,
  describeStandardPhases,
  readBaseUrl,
  readPhaseSeconds,
  readRate,
  readTimeScale,
  readVuBudget,
  recordOfferedRate,
} from "slogate/k6";

const baseUrl = readBaseUrl();
const ratePerSecond = readRate(20);
const timeScale = readTimeScale();

/** About how long one iteration takes, seconds: sizes the VU pool. */
const ITERATION_SECONDS = 0.2;

export const options = buildOpenOptions(
  "load",
  describeStandardPhases(ratePerSecond, {
    rampUp: readPhaseSeconds("ramp_up", 60, timeScale),
    steady: readPhaseSeconds("steady", 300, timeScale),
    rampDown: readPhaseSeconds("ramp_down", 30, timeScale),
  }),
  readVuBudget(ITERATION_SECONDS),
);

export function setup(): void {
  // What was asked of the service: slogate compares it with what was delivered.
  recordOfferedRate(ratePerSecond);
}

/** One iteration: your users' typical request. Tag every request with its route. */
export default function (): void {
  const response = call(baseUrl, "GET", "/", { route: "/" });
  checkResponse(response, "GET /", 200);
}
