import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import type { FaultConfig } from "../../src/targets/faults/spec.js";
import { startTargets, type RunningTargets } from "../../src/targets/start-targets.js";
import { call } from "./http-client.js";

const running: RunningTargets[] = [];
async function start(faults: string): Promise<RunningTargets> {
  const targets = await startTargets({ faults, rateLimit: false });
  running.push(targets);
  return targets;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.close()));
});

/** Statuses of `count` requests sent one after another, so arrival order is fixed. */
async function statuses(url: string, path: string, count: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await call(url, "GET", path)).status);
  return seen;
}

async function timed(url: string, path: string): Promise<{ status: number; ms: number }> {
  const start = performance.now();
  const { status } = await call(url, "GET", path);
  return { status, ms: performance.now() - start };
}

describe("error injection", () => {
  it("fails the same requests for the same seed, and others for another seed", async () => {
    const N = 200;
    const a = await start("error=0.3,seed=42");
    const b = await start("error=0.3,seed=42");
    const c = await start("error=0.3,seed=43");
    const runA = await statuses(a.url, "/api/v1/users/1", N);
    expect(await statuses(b.url, "/api/v1/users/1", N)).toEqual(runA);
    expect(await statuses(c.url, "/api/v1/users/1", N)).not.toEqual(runA);
    // Setting the faults again reseeds: the sequence starts over.
    a.setFaults("error=0.3,seed=42");
    expect(await statuses(a.url, "/api/v1/users/1", N)).toEqual(runA);

    expect(new Set(runA)).toEqual(new Set([200, 503]));
    // Binomial(200, 0.3): mean 60, sd ≈ 6.5 failures, so ±5 sd is 28..92.
    const failures = runA.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThanOrEqual(28);
    expect(failures).toBeLessThanOrEqual(92);
  });

  it("limits a route-specific ratio to that route and uses the chosen status", async () => {
    const t = await start("error@/api/v1/products/:id=1,status=500");
    expect(new Set(await statuses(t.url, "/api/v1/products/1", 20))).toEqual(new Set([500]));
    expect(new Set(await statuses(t.url, "/api/v1/users/1", 20))).toEqual(new Set([200]));
    // Health and metrics are never faulted, so probes keep telling the truth.
    expect((await call(t.url, "GET", "/health/ready")).status).toBe(200);
  });

  it("refuses a route that does not exist", async () => {
    const t = await start("none");
    expect(() => t.setFaults("error@/api/v1/nope=0.5")).toThrow(/not a route template/);
  });
});

describe("latency injection", () => {
  it("delays every API request by a fixed amount", async () => {
    const t = await start("latency=80ms");
    for (let i = 0; i < 5; i++) {
      const { status, ms } = await timed(t.url, "/api/v1/users/1");
      expect(status).toBe(200);
      expect(ms).toBeGreaterThanOrEqual(79);
    }
  });

  it("draws delays within a range, only on the targeted route", async () => {
    const t = await start("latency@/api/v1/users/:id=40-90ms,seed=5");
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) delays.push((await timed(t.url, "/api/v1/users/1")).ms);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(39);
    // Upper side: the drawn delay plus the time a loopback request takes on a busy machine.
    expect(Math.max(...delays)).toBeLessThan(90 + 150);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(5);
    const untouched = await timed(t.url, "/api/v1/products/1");
    expect(untouched.ms).toBeLessThan(39);
  });
});

describe("database latency injection", () => {
  /** Sum and count of db_query_duration_seconds for one operation, read from /metrics. */
  async function dbHistogram(
    url: string,
    operation: string,
  ): Promise<{ sum: number; count: number }> {
    const text = (await call<string>(url, "GET", "/metrics")).body;
    const read = (suffix: string) => {
      const line = text
        .split("\n")
        .find(
          (l) =>
            l.startsWith(`db_query_duration_seconds_${suffix}{`) &&
            l.includes(`operation="${operation}"`),
        );
      // No series yet means no call yet.
      return line === undefined ? 0 : Number(line.split(" ").pop());
    };
    return { sum: read("sum"), count: read("count") };
  }

  it("slows every storage call, and db_query_duration_seconds sees it", async () => {
    const t = await start("db=30ms");
    const before = await dbHistogram(t.url, "getUser");
    for (let i = 0; i < 4; i++) {
      const { status, ms } = await timed(t.url, "/api/v1/users/1");
      expect(status).toBe(200);
      expect(ms).toBeGreaterThanOrEqual(29);
    }
    const after = await dbHistogram(t.url, "getUser");
    expect(after.count - before.count).toBe(4);
    // Four calls of at least 30 ms each, as a slow database would record them.
    expect(after.sum - before.sum).toBeGreaterThanOrEqual(4 * 0.029);
  });

  it("is changed at run time through the admin API and leaves HTTP-only faults alone", async () => {
    const t = await start("none");
    expect((await timed(t.url, "/api/v1/users/1")).ms).toBeLessThan(29);
    const put = await call(`${t.adminUrl}/admin/faults`, "PUT", "", {
      dbLatency: { minMs: 30, maxMs: 30 },
    });
    expect(put.status).toBe(200);
    expect((await timed(t.url, "/api/v1/users/1")).ms).toBeGreaterThanOrEqual(29);
    expect(t.getFaults().dbLatency).toEqual({ minMs: 30, maxMs: 30 });
    expect(t.getFaults().latency).toBeNull();
  });
});

describe("capacity mode", () => {
  it("serves at most concurrency / service time requests per second", async () => {
    const t = await start("capacity=2x50ms");
    const N = 16;
    const begin = performance.now();
    const results = await Promise.all(
      Array.from({ length: N }, () => call(t.url, "GET", "/api/v1/users/1")),
    );
    const elapsedMs = performance.now() - begin;
    expect(results.every((r) => r.status === 200)).toBe(true);
    // 16 requests through 2 slots of 50 ms each take 8 rounds: at least 400 ms.
    expect(elapsedMs).toBeGreaterThanOrEqual((N / 2) * 50 - 5);
    expect(elapsedMs).toBeLessThan((N / 2) * 50 + 1000);
  });

  it("turns requests away once the queue is full", async () => {
    const t = await start("capacity=1x150ms,queue=1,status=503");
    const results = await Promise.all(
      Array.from({ length: 4 }, () => call(t.url, "GET", "/api/v1/users/1")),
    );
    const counts = results.map((r) => r.status).sort();
    // One in the slot, one queued, two refused.
    expect(counts).toEqual([200, 200, 503, 503]);
  });
});

describe("admin API", () => {
  it("reads and replaces faults as JSON or as a spec string", async () => {
    const t = await start("error=0.5,seed=9");
    const url = `${t.adminUrl}/admin/faults`;
    const initial = await call<{ config: FaultConfig; spec: string }>(url, "GET", "");
    expect(initial.status).toBe(200);
    expect(initial.body.config).toMatchObject({ errorRatio: 0.5, seed: 9 });
    expect(initial.body.spec).toBe("error=0.5,seed=9");

    const put = await call<{ config: FaultConfig }>(url, "PUT", "", {
      errorRatio: 1,
      errorStatus: 502,
    });
    expect(put.status).toBe(200);
    expect((await call(t.url, "GET", "/api/v1/users/1")).status).toBe(502);

    const text = await call(url, "PUT", "", "none", { "content-type": "text/plain" });
    expect(text.status).toBe(200);
    expect((await call(t.url, "GET", "/api/v1/users/1")).status).toBe(200);
    expect(t.getFaults().errorRatio).toBe(0);
  });

  it.each([
    { body: "{", contentType: "application/json", mentions: "malformed JSON" },
    { body: '{"errorRatio":2}', contentType: "application/json", mentions: "errorRatio" },
    {
      body: '{"routes":{"/x":{"errorRatio":1}}}',
      contentType: "application/json",
      mentions: '"/x"',
    },
    { body: "error=lots", contentType: "text/plain", mentions: "error=lots" },
  ])("answers 400 to $body", async ({ body, contentType, mentions }) => {
    const t = await start("none");
    const result = await call<{ error: string }>(`${t.adminUrl}/admin/faults`, "PUT", "", body, {
      "content-type": contentType,
    });
    expect(result.status).toBe(400);
    expect(result.body.error).toContain(mentions);
    expect(t.getFaults().errorRatio).toBe(0);
  });

  it("lives only on the 127.0.0.1 admin listener", async () => {
    const t = await start("none");
    const admin = new URL(t.adminUrl);
    expect(admin.hostname).toBe("127.0.0.1");
    expect(admin.port).not.toBe(new URL(t.url).port);
    expect((await call(t.url, "GET", "/admin/faults")).status).toBe(404);
    // Same port on the IPv6 loopback: nothing listens there.
    await expect(fetch(`http://[::1]:${admin.port}/admin/faults`)).rejects.toThrow();
  });
});
