/**
 * Spike: a baseline at RATE, a sudden jump to SPIKE_FACTOR × RATE and back,
 * then a recovery phase at RATE. Compare `recovery` with `steady` to see
 * whether the service returns to its baseline after the burst.
 *
 * The mix (lib/mix.ts) checks every response's status and, to keep k6 light,
 * reads and checks the JSON body in 1 of BODY_CHECK_EVERY iterations only.
 *
 * Env: BASE_URL (required), RATE=50, SPIKE_FACTOR=5, TIME_SCALE=1,
 * DURATION_RAMP_UP=1m, DURATION_STEADY=2m, DURATION_SPIKE_RISE=10s,
 * DURATION_SPIKE=1m, DURATION_SPIKE_FALL=10s, DURATION_RECOVERY=2m,
 * DURATION_RAMP_DOWN=1m, PRE_VUS, MAX_VUS, BODY_CHECK_EVERY=10,
 * SLOGATE_THRESHOLDS.
 */
import {
  buildOpenOptions,
  holdPhase,
  rampPhase,
  readBaseUrl,
  readNumber,
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
const spikeFactor = readNumber("SPIKE_FACTOR", 5, {
  above: 1,
  max: 1000,
  meaning: "how many times RATE the spike reaches, e.g. 5",
});
const spikePerSecond = ratePerSecond * spikeFactor;

export const options = {
  ...buildOpenOptions(
    "spike",
    [
      rampPhase("ramp_up", "ramp-up", 0, ratePerSecond, readPhaseSeconds("ramp_up", 60, timeScale)),
      holdPhase("steady", "steady", ratePerSecond, readPhaseSeconds("steady", 120, timeScale)),
      {
        scenario: "spike",
        phase: "spike",
        startPerSecond: ratePerSecond,
        stages: [
          {
            durationSeconds: readPhaseSeconds("spike_rise", 10, timeScale),
            targetPerSecond: spikePerSecond,
          },
          {
            durationSeconds: readPhaseSeconds("spike", 60, timeScale),
            targetPerSecond: spikePerSecond,
          },
          {
            durationSeconds: readPhaseSeconds("spike_fall", 10, timeScale),
            targetPerSecond: ratePerSecond,
          },
        ],
        tags: { rate_factor: String(spikeFactor) },
      },
      holdPhase(
        "recovery",
        "recovery",
        ratePerSecond,
        readPhaseSeconds("recovery", 120, timeScale),
      ),
      rampPhase(
        "ramp_down",
        "ramp-down",
        ratePerSecond,
        0,
        readPhaseSeconds("ramp_down", 60, timeScale),
      ),
    ],
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
