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
import http from "k6/http";
import type { Params } from "k6/http";
import {
  buildCapacityOptions,
  readBaseUrl,
  readCapacityStep,
  readJson,
  recordOfferedRate,
} from "slogate/k6";
import { type Id, ROUTES } from "./lib/api.js";
import { readIdField, readListData } from "./lib/http.js";

const baseUrl = readBaseUrl();
const step = readCapacityStep();
const ratePerSecond = step.ratePerSecond;

export const options = buildCapacityOptions(step);

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

// The same request as getProduct(), its URLs and params built once per VU:
// the generator's work per request is what bounds the rates a search reaches.
const PRODUCT_PARAMS: Params = {
  headers: { Accept: "application/json" },
  tags: { name: ROUTES.product },
};
let productUrls: string[] | undefined;

// No k6 check: http_req_failed already records every non-2xx/3xx answer, and
// a check would add one more point per request to the generator's work.
export default function (data: CapacityData): void {
  productUrls ??= (data.productIds.length > 0 ? data.productIds : [1]).map(
    (id) => `${baseUrl}${ROUTES.products}/${encodeURIComponent(String(id))}`,
  );
  http.request(
    "GET",
    productUrls[Math.floor(Math.random() * productUrls.length)] ?? "",
    null,
    PRODUCT_PARAMS,
  );
}
