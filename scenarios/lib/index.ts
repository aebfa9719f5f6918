/**
 * slogate's k6 helpers (`import { … } from "slogate/k6"`): what a scenario
 * needs so that slogate can judge it — open-model phases tagged `phase`
 * (slogate judges `steady`), the offered rate recorded, requests tagged with
 * their route, the SLO profile's thresholds, and the environment slogate
 * sets (BASE_URL, RATE, TIME_SCALE, DURATION_*). Runs in k6 only: imports
 * nothing but k6's own modules.
 *
 * @example
 * import {
 *   buildOpenOptions, call, describeStandardPhases, readBaseUrl, readPhaseSeconds,
 *   readRate, readTimeScale, readVuBudget, recordOfferedRate,
 * } from "slogate/k6";
 *
 * const baseUrl = readBaseUrl();
 * const rate = readRate(20);
 * const scale = readTimeScale();
 * export const options = buildOpenOptions(
 *   "load",
 *   describeStandardPhases(rate, {
 *     rampUp: readPhaseSeconds("ramp_up", 30, scale),
 *     steady: readPhaseSeconds("steady", 120, scale),
 *     rampDown: readPhaseSeconds("ramp_down", 30, scale),
 *   }),
 *   readVuBudget(0.2),
 * );
 * export function setup() {
 *   recordOfferedRate(rate);
 * }
 * export default function () {
 *   call(baseUrl, "GET", `/items/${1 + Math.floor(Math.random() * 100)}`, { route: "/items/:id" });
 * }
 */

// Phases and options: open model (arrival rate) and closed model.
export {
  buildPhaseScenarios,
  describeStandardPhases,
  GRACEFUL_STOP,
  holdPhase,
  rampPhase,
  readRate,
  readVuBudget,
  sumPhaseSeconds,
  type PhaseSpec,
  type RateStage,
  type VuBudget,
} from "./phases.js";
export { buildClosedOptions, buildOpenOptions, SUMMARY_TREND_STATS } from "./options.js";
export {
  buildCapacityOptions,
  readCapacityRate,
  readCapacityStep,
  type CapacityStepSpec,
} from "./capacity-step.js";

// What was asked of the service, and what kind of test this is.
export { recordOfferedRate } from "./offered-rate.js";
export { declareFunctional } from "./functional.js";

// Requests tagged with their route, and reading their answers.
export {
  call,
  describeCall,
  readHeader,
  readJson,
  tagRoute,
  type CallOptions,
  type Method,
} from "./http.js";
export { checkAll, checkResponse, type BodyConditions } from "./checks.js";

// Thresholds from the SLO profile (SLOGATE_THRESHOLDS).
export {
  mergeThresholds,
  readSlogateThresholds,
  withSlogateThresholds,
  type Thresholds,
} from "./thresholds.js";

// The environment slogate sets.
export {
  readBaseUrl,
  readNumber,
  readNumberList,
  readRaw,
  ScenarioEnvError,
  type NumberRule,
} from "./env.js";
export {
  formatDuration,
  parseDurationSeconds,
  readPhaseSeconds,
  readTimeScale,
} from "./durations.js";
