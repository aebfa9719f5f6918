import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureK6 } from "../../src/k6/provision.js";
import { runK6 } from "../../src/k6/run-k6.js";
import {
  buildK6RemoteWriteArgs,
  buildK6RemoteWriteEnv,
  buildK6RemoteWriteSettings,
} from "../../src/k6/remote-write.js";
import { ensurePrometheus } from "../../src/stack/prometheus/provision.js";
import { startPrometheus, type PrometheusServer } from "../../src/stack/prometheus/server.js";
import { readPrometheusSlis } from "../../src/sources/prometheus/slis.js";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { startAuthProxy } from "../stack/prometheus/auth-proxy.js";

// 20 requests/s for 6 s: 120 requests, bounded by k6 itself.
const SCRIPT = `
import http from "k6/http";
export const options = {
  scenarios: {
    steady: { executor: "constant-arrival-rate", rate: 20, timeUnit: "1s", duration: "6s", preAllocatedVUs: 4, maxVUs: 8 },
  },
};
export default function () {
  http.get(__ENV.BASE_URL + "/api/v1/products/" + (1 + (__ITER % 50)), { tags: { name: "/api/v1/products/:id" } });
}
`;

interface K6Summary {
  metrics: Record<
    string,
    { count?: number; value?: number; rate?: number; passes?: number; "p(95)"?: number }
  >;
}

describe("k6 remote write into a slogate-started Prometheus", () => {
  let targets: RunningTargets;
  let prometheus: PrometheusServer;
  let dir: string;

  beforeAll(async () => {
    // A fresh machine gets Prometheus from Debian here; a missing one fails, never skips.
    ensurePrometheus({ install: true });
    dir = mkdtempSync(path.join(os.tmpdir(), "slogate-k6rw-"));
    targets = await startTargets({ faults: "latency=30-60ms,error=0.1,seed=3", rateLimit: false });
    prometheus = await startPrometheus({ scrapeTargets: [] });
  });

  afterAll(async () => {
    await prometheus?.close();
    await targets?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("k6's pushed counts and native-histogram p95 agree with its own summary", async () => {
    const scriptPath = path.join(dir, "script.js");
    writeFileSync(scriptPath, SCRIPT);
    const testId = `rw-${process.pid}`;
    const rw = { remoteWriteUrl: prometheus.remoteWriteUrl, testId };
    const fromMs = Date.now();
    const run = await runK6({
      k6: await ensureK6(),
      scriptPath,
      outDir: dir,
      env: { BASE_URL: targets.url, ...buildK6RemoteWriteEnv(rw) },
      extraArgs: buildK6RemoteWriteArgs(rw),
      timeoutMs: 60_000,
    });
    const toMs = Date.now();
    const log = readFileSync(run.logPath, "utf8");
    expect(run.exit.code, log).toBe(0);
    // K6_FEATURES is the current switch; the deprecated variable would warn here.
    expect(log).not.toMatch(/Legacy env var/);

    const summary = JSON.parse(readFileSync(run.summaryPath, "utf8")) as K6Summary;
    const requests = summary.metrics.http_reqs?.count ?? 0;
    const failedRate = summary.metrics.http_req_failed?.value ?? Number.NaN;
    const clientP95Ms = summary.metrics.http_req_duration?.["p(95)"] ?? Number.NaN;
    expect(requests).toBeGreaterThanOrEqual(110);

    const result = await readPrometheusSlis({
      connection: { url: prometheus.url },
      fromMs,
      toMs,
      settings: buildK6RemoteWriteSettings(testId),
      objectives: ["latency_p95", "error_rate", "throughput"],
      checkScrapeCoverage: false,
    });
    const evidence = Object.fromEntries(result.evidence.map((e) => [e.id, e]));
    for (const item of result.evidence)
      expect(item.status, `${item.id}: ${item.reason ?? ""}`).toBe("ok");
    // Counter end-minus-start: every request k6 made, no extrapolation.
    expect(evidence.throughput?.samples).toBe(requests);
    // Every failure here is an injected 503, so k6's failed share is the 5xx share.
    expect(evidence.error_rate?.value).toBeCloseTo(failedRate, 9);
    // Native histograms (schema 3) have buckets ~9% wide: the estimate lands within that of k6's exact p95.
    expect(evidence.latency_p95?.value).toBeGreaterThan(clientP95Ms * 0.85);
    expect(evidence.latency_p95?.value).toBeLessThan(clientP95Ms * 1.15);
    expect(result.routes.map((r) => r.route)).toEqual(["/api/v1/products/:id"]);
    // The series was born in the window, so the histogram counts whole: every request.
    expect(evidence.latency_p95?.samples).toBe(requests);

    // A window starting mid-run: the series existed before it, so increase() is used.
    const midMs = (run.startedAt.getTime() + run.endedAt.getTime()) / 2;
    const half = await readPrometheusSlis({
      connection: { url: prometheus.url },
      fromMs: midMs,
      toMs,
      settings: buildK6RemoteWriteSettings(testId),
      objectives: ["latency_p95", "throughput"],
      checkScrapeCoverage: false,
    });
    const [latency, counted] = half.evidence;
    expect(latency?.status).toBe("ok");
    expect(counted?.samples).toBeGreaterThan(0);
    expect(counted?.samples).toBeLessThan(requests);
    // increase() extrapolates to the window's edges; the counter delta does not.
    expect(latency?.samples).toBeGreaterThan((counted?.samples ?? 0) * 0.7);
    expect(latency?.samples).toBeLessThan((counted?.samples ?? 0) * 1.5);
  });
});

describe("buildK6RemoteWriteEnv: credentials and headers for k6's remote write", () => {
  const URL_PLAIN = "http://127.0.0.1:9090/api/v1/write";
  it.each([
    {
      name: "no auth: only the URL",
      options: { remoteWriteUrl: URL_PLAIN },
      url: URL_PLAIN,
      extra: {},
    },
    {
      name: "basic auth as an Authorization header",
      options: {
        remoteWriteUrl: URL_PLAIN,
        auth: { kind: "basic", username: "alice", password: "pw, with comma" } as const,
      },
      url: URL_PLAIN,
      extra: {
        K6_PROMETHEUS_RW_HEADERS_Authorization: `Basic ${Buffer.from("alice:pw, with comma").toString("base64")}`,
      },
    },
    {
      name: "a bearer token as an Authorization header",
      options: { remoteWriteUrl: URL_PLAIN, auth: { kind: "bearer", token: "tok-1" } as const },
      url: URL_PLAIN,
      extra: { K6_PROMETHEUS_RW_HEADERS_Authorization: "Bearer tok-1" },
    },
    {
      name: "custom headers, one variable each",
      options: {
        remoteWriteUrl: URL_PLAIN,
        headers: { "X-Scope-OrgID": "team-a", "X-Note": "a,b" },
      },
      url: URL_PLAIN,
      extra: {
        "K6_PROMETHEUS_RW_HEADERS_X-Scope-OrgID": "team-a",
        "K6_PROMETHEUS_RW_HEADERS_X-Note": "a,b",
      },
    },
    {
      name: "userinfo in the URL: stripped, sent as basic auth (percent-decoded)",
      options: { remoteWriteUrl: "http://bob:p%40ss@127.0.0.1:9090/prom/api/v1/write" },
      url: "http://127.0.0.1:9090/prom/api/v1/write",
      extra: {
        K6_PROMETHEUS_RW_HEADERS_Authorization: `Basic ${Buffer.from("bob:p@ss").toString("base64")}`,
      },
    },
    {
      name: "userinfo and a bearer token: the token wins, the userinfo is still stripped",
      options: {
        remoteWriteUrl: "http://bob:pw@127.0.0.1:9090/api/v1/write",
        auth: { kind: "bearer", token: "tok-2" } as const,
      },
      url: URL_PLAIN,
      extra: { K6_PROMETHEUS_RW_HEADERS_Authorization: "Bearer tok-2" },
    },
  ])("$name", ({ options, url, extra }) => {
    const env = buildK6RemoteWriteEnv({ testId: "t1", ...options });
    expect(env).toEqual({
      K6_PROMETHEUS_RW_SERVER_URL: url,
      K6_FEATURES: "native-histograms",
      K6_PROMETHEUS_RW_PUSH_INTERVAL: "1s",
      ...extra,
    });
  });

  it("refuses an Authorization header given as a plain header", () => {
    expect(() =>
      buildK6RemoteWriteEnv({
        remoteWriteUrl: URL_PLAIN,
        testId: "t1",
        headers: { authorization: "Bearer x" },
      }),
    ).toThrow(/Authorization: give credentials as basic or bearer auth/);
  });
});

describe("k6 remote write through a Prometheus that demands credentials", () => {
  it.each([
    { kind: "bearer" as const, secret: "rw-bearer-secret-7f3a" },
    { kind: "basic" as const, secret: "rw-basic-secret-9c1d" },
  ])("$kind: every push is accepted, and the secret is in none of k6's files", async (auth) => {
    ensurePrometheus({ install: true });
    const dir = mkdtempSync(path.join(os.tmpdir(), "slogate-k6rw-auth-"));
    const targets = await startTargets({ rateLimit: false });
    const prometheus = await startPrometheus({ scrapeTargets: [] });
    const resolved =
      auth.kind === "bearer"
        ? { kind: "bearer" as const, token: auth.secret }
        : { kind: "basic" as const, username: "k6", password: auth.secret };
    const expected =
      auth.kind === "bearer"
        ? `Bearer ${auth.secret}`
        : `Basic ${Buffer.from(`k6:${auth.secret}`).toString("base64")}`;
    const proxy = await startAuthProxy(prometheus.url, {
      authorization: expected,
      "x-scope-orgid": "team-a",
    });
    try {
      const scriptPath = path.join(dir, "script.js");
      // 10 requests/s for 2 s, bounded by k6 itself.
      writeFileSync(scriptPath, SCRIPT.replace("rate: 20", "rate: 10").replace('"6s"', '"2s"'));
      const testId = `rw-auth-${auth.kind}-${process.pid}`;
      const rw = {
        remoteWriteUrl: `${proxy.url}/api/v1/write`,
        testId,
        auth: resolved,
        headers: { "X-Scope-OrgID": "team-a" },
      };
      const run = await runK6({
        k6: await ensureK6(),
        scriptPath,
        outDir: dir,
        env: { BASE_URL: targets.url, ...buildK6RemoteWriteEnv(rw) },
        extraArgs: buildK6RemoteWriteArgs(rw),
        timeoutMs: 60_000,
      });
      const log = readFileSync(run.logPath, "utf8");
      expect(run.exit.code, log).toBe(0);
      expect(proxy.refused.get("/api/v1/write") ?? 0).toBe(0);
      expect(proxy.accepted.get("/api/v1/write") ?? 0).toBeGreaterThan(0);
      // The pushed samples arrived: k6's request counter is queryable by testid.
      const answer = await fetch(
        `${prometheus.url}/api/v1/query?query=${encodeURIComponent(`sum(k6_http_reqs_total{testid="${testId}"})`)}`,
      );
      const body = (await answer.json()) as { data: { result: { value: [number, string] }[] } };
      expect(Number(body.data.result[0]?.value[1])).toBeGreaterThan(0);
      for (const file of [run.logPath, run.summaryPath, run.ndjsonPath]) {
        const text = readFileSync(file, "utf8");
        expect(text, file).not.toContain(auth.secret);
        expect(text, file).not.toContain(expected.split(" ")[1]);
      }
    } finally {
      await proxy.close();
      await prometheus.close();
      await targets.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
