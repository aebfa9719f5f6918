/**
 * Capacity step: one constant arrival rate, first as a warm-up and then as
 * the measured phase, for `slogate capacity` (which runs one of these per
 * step while it searches). One request per iteration, so iterations/s is
 * requests/s; every request carries the route template as its `name` tag.
 *
 * Phases: k6 scenario `warm_up` (tag phase=warm-up, never judged) then
 * `steady` (phase=steady), both `constant-arrival-rate` at RATE, chained.
 *
 * Env: BASE_URL (required), RATE=50 (whole iterations per second),
 * DURATION_WARMUP=5s, DURATION_STEADY=10s, TIME_SCALE=1, PRE_VUS, MAX_VUS,
 * CAPACITY_GRACEFUL_STOP=2s (how long in-flight requests may finish after the
 * measured phase), SLOGATE_THRESHOLDS.
 */
import type { Scenario } from "k6/options";
import http from "k6/http";
import { type Id, getProduct, pickOne, ROUTES } from "./lib/api.js";
import {
  formatDuration,
  parseDurationSeconds,
  readPhaseSeconds,
  readTimeScale,
} from "./lib/durations.js";
import { readNumber, readRaw, ScenarioEnvError } from "./lib/env.js";
import { readBaseUrl } from "./lib/env.js";
import { readIdField, readJson, readListData } from "./lib/http.js";
import { recordOfferedRate } from "./lib/offered-rate.js";
import { buildClosedOptions } from "./lib/options.js";

const baseUrl = readBaseUrl();
const timeScale = readTimeScale();
const ratePerSecond = readNumber("RATE", 50, {
  min: 1,
  max: 100_000,
  integer: true,
  meaning: "the offered requests per second, a whole number, e.g. 200",
});
const warmUpSeconds = readPhaseSeconds("warmup", 5, timeScale);
const steadySeconds = readPhaseSeconds("steady", 10, timeScale);
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
const gracefulStop = readGracefulStop();

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

function describePhase(phase: string, startSeconds: number, seconds: number): Scenario {
  return {
    executor: "constant-arrival-rate",
    rate: ratePerSecond,
    timeUnit: "1s",
    duration: formatDuration(seconds),
    startTime: formatDuration(startSeconds),
    preAllocatedVUs,
    maxVUs,
    gracefulStop,
    tags: { phase },
  };
}

export const options = {
  ...buildClosedOptions("capacity", {
    warm_up: describePhase("warm-up", 0, warmUpSeconds),
    steady: describePhase("steady", warmUpSeconds, steadySeconds),
  }),
  // The generator must be as light as it can be: no response bodies kept, and
  // only the tags evaluation reads (each point is written to the NDJSON).
  discardResponseBodies: true,
  systemTags: ["status", "method", "name", "scenario", "expected_response", "error_code"],
};

interface CapacityData {
  productIds: Id[];
}

export function setup(): CapacityData {
  recordOfferedRate(ratePerSecond);
  // Bodies are discarded by default (options above); this one is read.
  const response = http.get(`${baseUrl}${ROUTES.products}?limit=100`, {
    responseType: "text",
    tags: { name: ROUTES.products },
  });
  const listed = readListData(readJson(response));
  const productIds = (listed ?? [])
    .map((row) => readIdField(row, "id"))
    .filter((id): id is Id => id !== undefined);
  if (productIds.length === 0) {
    throw new Error(
      `slogate scenario: setup could not list products at ${baseUrl}; is the service up and BASE_URL right?`,
    );
  }
  return { productIds };
}

// No k6 check: http_req_failed already records every non-2xx/3xx answer, and
// a check would add one more point per request to the generator's work.
export default function (data: CapacityData): void {
  getProduct(baseUrl, pickOne(data.productIds) ?? 1);
}
