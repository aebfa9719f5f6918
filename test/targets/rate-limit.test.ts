import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/targets/rate-limiter.js";
import { startTargets, type RunningTargets } from "../../src/targets/start-targets.js";
import { call } from "./http-client.js";

describe("RateLimiter (token bucket, injected clock)", () => {
  // rate 2/s, burst 3: three at once, then one more every 500 ms.
  it.each([
    { name: "burst passes", atMs: [0, 0, 0], expected: [0, 0, 0] },
    {
      name: "fourth at once waits 1 s (half a token short at 2/s, rounded up)",
      atMs: [0, 0, 0, 0],
      expected: [0, 0, 0, 1],
    },
    { name: "a token is back after 500 ms", atMs: [0, 0, 0, 500], expected: [0, 0, 0, 0] },
    { name: "not yet after 400 ms", atMs: [0, 0, 0, 400], expected: [0, 0, 0, 1] },
    {
      name: "a full bucket never exceeds burst",
      atMs: [0, 10_000, 10_000, 10_000, 10_000],
      expected: [0, 0, 0, 0, 1],
    },
  ])("$name", ({ atMs, expected }) => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 3 }, () => now);
    const got = atMs.map((t) => {
      now = t;
      return limiter.take("u1");
    });
    expect(got).toEqual(expected);
  });

  it("waits several seconds at a slow rate", () => {
    const limiter = new RateLimiter({ ratePerSecond: 0.25, burst: 1 }, () => 0);
    expect(limiter.take("u")).toBe(0);
    expect(limiter.take("u")).toBe(4);
  });
});

describe("rate limit over HTTP", () => {
  let targets: RunningTargets;
  beforeAll(async () => {
    targets = await startTargets({ rateLimit: { ratePerSecond: 0.5, burst: 3 } });
  });
  afterAll(() => targets.close());

  it("answers 429 with Retry-After once a user's burst is spent, per user", async () => {
    const alice = { "x-user-id": "alice" };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await call(targets.url, "GET", "/api/v1/users/1", undefined, alice)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await call<{ error: string }>(
      targets.url,
      "GET",
      "/api/v1/products",
      undefined,
      alice,
    );
    expect(limited.status).toBe(429);
    // One token at 0.5/s is 2 s away.
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(
      (await call(targets.url, "GET", "/api/v1/users/1", undefined, { "x-user-id": "bob" })).status,
    ).toBe(200);
  });

  it("never limits requests without X-User-Id, nor health and metrics", async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 20; i++)
      statuses.add((await call(targets.url, "GET", "/api/v1/users/1")).status);
    const carol = { "x-user-id": "carol" };
    for (let i = 0; i < 10; i++)
      statuses.add((await call(targets.url, "GET", "/health/live", undefined, carol)).status);
    expect(statuses).toEqual(new Set([200]));
  });
});
