/**
 * Stress: a baseline at RATE, then steps above it (1.5×, 2×, 3× by default),
 * each its own phase `step-<n>` tagged with its `rate_factor`, to see at which
 * step latency and errors leave the SLO and whether the service degrades
 * gracefully. slogate_offered_rate is the nominal RATE (the steady phase).
 *
 * The mix (lib/mix.ts) checks every response's status and, to keep k6 light,
 * reads and checks the JSON body in 1 of BODY_CHECK_EVERY iterations only.
 *
 * Env: BASE_URL (required), RATE=50, STRESS_FACTORS=1.5,2,3, TIME_SCALE=1,
 * DURATION_RAMP_UP=2m, DURATION_STEADY=3m, DURATION_STEP_RAMP=30s,
 * DURATION_STEP=3m, DURATION_RAMP_DOWN=2m, PRE_VUS, MAX_VUS, BODY_CHECK_EVERY=10,
 * SLOGATE_THRESHOLDS.
 */
import {
  buildOpenOptions,
  holdPhase,
  type PhaseSpec,
  rampPhase,
  readBaseUrl,
  readNumberList,
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
const factors = readNumberList(
  "STRESS_FACTORS",
  [1.5, 2, 3],
  "rate multipliers for the steps above RATE",
);
const stepRampSeconds = readPhaseSeconds("step_ramp", 30, timeScale);
const stepSeconds = readPhaseSeconds("step", 180, timeScale);

function describeStressPhases(): PhaseSpec[] {
  const phases = [
    rampPhase("ramp_up", "ramp-up", 0, ratePerSecond, readPhaseSeconds("ramp_up", 120, timeScale)),
    holdPhase("steady", "steady", ratePerSecond, readPhaseSeconds("steady", 180, timeScale)),
  ];
  let previousPerSecond = ratePerSecond;
  factors.forEach((factor, index) => {
    const targetPerSecond = ratePerSecond * factor;
    phases.push({
      scenario: `step_${index + 1}`,
      phase: `step-${index + 1}`,
      startPerSecond: previousPerSecond,
      stages: [
        { durationSeconds: stepRampSeconds, targetPerSecond },
        { durationSeconds: stepSeconds, targetPerSecond },
      ],
      tags: { rate_factor: String(factor) },
    });
    previousPerSecond = targetPerSecond;
  });
  const rampDownSeconds = readPhaseSeconds("ramp_down", 120, timeScale);
  phases.push(rampPhase("ramp_down", "ramp-down", previousPerSecond, 0, rampDownSeconds));
  return phases;
}

export const options = {
  ...buildOpenOptions("stress", describeStressPhases(), readVuBudget(MIX_ITERATION_SECONDS)),
  ...MIX_OPTIONS,
};

export function setup(): MixData {
  recordOfferedRate(ratePerSecond);
  return prepareMix(baseUrl);
}

export default function (data: MixData): void {
  runMixIteration(baseUrl, data);
}
