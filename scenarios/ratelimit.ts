/**
 * Rate-limit probe: checks the gateway's per-user limit (a token bucket of
 * RATELIMIT_BURST requests refilled at RATELIMIT_RATE per second, keyed by
 * X-User-Id) from the outside. Each part tags its requests `probe=<part>`:
 *  - under-limit: half a burst at once, then a few at half the refill rate,
 *    as one user: all must succeed;
 *  - over-limit: bursts as one fresh user until 429s appear (bounded): each
 *    429 must carry Retry-After in whole seconds ≥ 1, and no more requests may
 *    pass than the bucket plus its refill allow;
 *  - recovery: after Retry-After (at most RATELIMIT_MAX_WAIT_SECONDS) the
 *    same user is served again;
 *  - no-user: more than a burst without X-User-Id: never limited.
 * `checks: rate==1` makes k6 exit 99 when the limiter misbehaves.
 *
 * Env: BASE_URL (required), RATELIMIT_BURST=100, RATELIMIT_RATE=100,
 * RATELIMIT_MAX_WAIT_SECONDS=10, SLOGATE_THRESHOLDS.
 */
import { sleep } from "k6";
import http from "k6/http";
import type { Response } from "k6/http";
import {
  buildClosedOptions,
  call,
  checkAll,
  describeCall,
  readBaseUrl,
  readHeader,
  readNumber,
} from "slogate/k6";
import { ROUTES } from "./lib/api.js";

const baseUrl = readBaseUrl();
const burst = readNumber("RATELIMIT_BURST", 100, {
  min: 1,
  max: 10_000,
  integer: true,
  meaning: "the service's per-user burst (bucket size)",
});
const refillPerSecond = readNumber("RATELIMIT_RATE", 100, {
  above: 0,
  max: 10_000,
  meaning: "the service's per-user refill, requests per second",
});
const maxWaitSeconds = readNumber("RATELIMIT_MAX_WAIT_SECONDS", 10, {
  min: 1,
  max: 300,
  meaning: "the longest Retry-After the probe waits out",
});

/** Requests in flight at once during a burst: enough to outrun the refill. */
const BATCH_SIZE = 50;

export const options = {
  ...buildClosedOptions(
    "ratelimit",
    {
      ratelimit: {
        executor: "per-vu-iterations",
        vus: 1,
        iterations: 1,
        // A safety bound, not a shape.
        maxDuration: `${maxWaitSeconds + 60}s`,
      },
    },
    { checks: ["rate==1"] },
  ),
  // k6 sends 6 requests of a batch at a time by default; a burst has to arrive at once.
  batch: BATCH_SIZE,
  batchPerHost: BATCH_SIZE,
};

const PROBE_PATH = `${ROUTES.products}?limit=1`;

function probe(userId: string | undefined, part: string, expectedStatuses: number[]) {
  return describeCall(baseUrl, "GET", PROBE_PATH, {
    route: ROUTES.products,
    ...(userId === undefined ? {} : { userId }),
    expectedStatuses,
    tags: { probe: part },
  });
}

function sendBatch(
  userId: string | undefined,
  part: string,
  count: number,
  expected: number[],
): Response[] {
  return http.batch(Array.from({ length: count }, () => probe(userId, part, expected)));
}

const freshUserId = (part: string) =>
  `ratelimit-${part}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

export default function (): void {
  probeUnderLimit();
  const limitedUser = probeOverLimit();
  if (limitedUser !== undefined) probeRecovery(limitedUser.userId, limitedUser.retryAfterSeconds);
  probeWithoutUser();
}

function probeUnderLimit(): void {
  const userId = freshUserId("under");
  const statuses = sendBatch(userId, "under-limit", Math.max(1, Math.floor(burst / 2)), [200]).map(
    (response) => response.status,
  );
  for (let index = 0; index < 5; index++) {
    // Half the refill rate: the bucket never drains.
    sleep(2 / refillPerSecond);
    const response = call(baseUrl, "GET", PROBE_PATH, {
      route: ROUTES.products,
      userId,
      expectedStatuses: [200],
      tags: { probe: "under-limit" },
    });
    statuses.push(response.status);
  }
  checkAll({
    "under-limit: every request served (200)": () => statuses.every((status) => status === 200),
  });
}

function probeOverLimit(): { userId: string; retryAfterSeconds: number } | undefined {
  const userId = freshUserId("over");
  // Bounded: the bucket plus a few seconds of refill, whatever the service does.
  const maxRequests = Math.min(5000, burst * 3 + Math.ceil(refillPerSecond * 3) + BATCH_SIZE);
  const startedAtMs = Date.now();
  const responses: Response[] = [];
  while (responses.length < maxRequests && !responses.some((response) => response.status === 429)) {
    responses.push(...sendBatch(userId, "over-limit", BATCH_SIZE, [200, 429]));
  }
  const elapsedSeconds = (Date.now() - startedAtMs) / 1000;
  const limited = responses.filter((response) => response.status === 429);
  const served = responses.filter((response) => response.status === 200).length;
  const retryAfters = limited.map((response) => readHeader(response, "Retry-After") ?? "");
  const allowed = burst + Math.ceil(refillPerSecond * elapsedSeconds) + 1;
  checkAll({
    "over-limit: 429 seen": () => limited.length > 0,
    "over-limit: every 429 has Retry-After in whole seconds >= 1": () =>
      limited.length > 0 && retryAfters.every((value) => /^\d+$/.test(value) && Number(value) >= 1),
    "over-limit: served no more than burst + refill": () => served <= allowed,
    "over-limit: only 200 or 429": () =>
      responses.every((r) => r.status === 200 || r.status === 429),
  });
  // The longest wait asked for: by then every one of them has passed.
  const waits = retryAfters.filter((value) => /^\d+$/.test(value)).map(Number);
  return waits.length === 0 ? undefined : { userId, retryAfterSeconds: Math.max(...waits) };
}

function probeRecovery(userId: string, retryAfterSeconds: number): void {
  if (retryAfterSeconds > maxWaitSeconds) return;
  sleep(retryAfterSeconds);
  const response = call(baseUrl, "GET", PROBE_PATH, {
    route: ROUTES.products,
    userId,
    expectedStatuses: [200],
    tags: { probe: "recovery" },
  });
  checkAll({ "recovery: served again after Retry-After": () => response.status === 200 });
}

function probeWithoutUser(): void {
  const statuses: number[] = [];
  for (let sent = 0; sent < burst + BATCH_SIZE; sent += BATCH_SIZE) {
    statuses.push(...sendBatch(undefined, "no-user", BATCH_SIZE, [200]).map((r) => r.status));
  }
  checkAll({
    "no-user: requests without X-User-Id are not limited": () =>
      statuses.length > burst && statuses.every((status) => status === 200),
  });
}
