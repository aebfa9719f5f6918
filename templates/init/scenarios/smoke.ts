/**
 * Smoke: does every endpoint answer as it should? One pass over ENDPOINTS
 * with a check each. slogate judges it on its checks (every one passed) and
 * failed requests (none), not on latency percentiles: declareFunctional().
 *
 *   npx slogate run scenarios/smoke.ts --target http://127.0.0.1:8080
 *
 * Env: BASE_URL (slogate sets it from --target).
 */
import {
  buildClosedOptions,
  call,
  checkResponse,
  declareFunctional,
  readBaseUrl,
} from "slogate/k6";
import type { Method } from "slogate/k6";

const baseUrl = readBaseUrl();

/**
 * Your endpoints. `route` is the route template: requests to /items/1 and
 * /items/2 count as one route, `/items/:id`, in the results.
 */
const ENDPOINTS: { method: Method; path: string; route: string; status: number }[] = [
  { method: "GET", path: "/", route: "/", status: 200 },
];

export const options = buildClosedOptions(
  "smoke",
  {
    // One VU, one pass; maxDuration bounds a hung service.
    smoke: { executor: "per-vu-iterations", vus: 1, iterations: 1, maxDuration: "1m" },
  },
  // k6 itself exits 99 when a check fails.
  { checks: ["rate==1"] },
);

export function setup(): void {
  declareFunctional();
}

export default function (): void {
  for (const endpoint of ENDPOINTS) {
    const response = call(baseUrl, endpoint.method, endpoint.path, { route: endpoint.route });
    checkResponse(response, `${endpoint.method} ${endpoint.route}`, endpoint.status);
  }
}
