// What `slogate serve` does before and around a verdict: strict parameters,
// profile lookup, bearer auth, health routes, the per-request deadline, the
// concurrency limit and log redaction. Prometheus here is a loopback stand-in
// (test/sources/fake-prometheus.ts) because these cases need answers a real
// Prometheus will not give on demand: an HTTP 500, a reply held back for
// seconds, and a record of every query serve sent (to prove label values
// reach PromQL as exact matchers). It decides no verdict worth trusting: the
// pass, fail and no-data verdicts against a real Prometheus scraping the
// reference service under k6 load are in serve-prometheus.test.ts.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../../src/commands/serve.js";
import { THRESHOLDS_DIR } from "../../src/sources/load-profile.js";
import type { RunningServe } from "../../src/serve/server.js";
import { startFakePrometheus, type FakePrometheus } from "../sources/prometheus/fake-prometheus.js";

const TOKEN = "serve-test-token-abcdef0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };

let prometheus: FakePrometheus;
let server: RunningServe;
const logs: Record<string, unknown>[] = [];

/** Every query answers an empty vector, after `delayMs`. */
function answerEmpty(delayMs = 0) {
  prometheus.setHandler(() => ({
    status: 200,
    body: { status: "success", data: { resultType: "vector", result: [] } },
    delayMs,
  }));
}

beforeAll(async () => {
  prometheus = await startFakePrometheus();
  answerEmpty();
  server = await serve({
    port: 0,
    prometheus: prometheus.url,
    tokenEnv: "TOKEN",
    env: { TOKEN },
    timeoutMs: 1_500,
    maxConcurrent: 1,
    maxWindowSeconds: 3_600,
    log: (entry) => logs.push(entry),
  });
});

afterAll(async () => {
  await server?.close();
  await prometheus?.close();
});

async function get(
  path: string,
  headers: Record<string, string> = AUTH,
): Promise<{ status: number; body: Record<string, unknown>; type: string | null }> {
  const response = await fetch(`${server.url}${path}`, { headers });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const OK_QUERY = "window=5m&service=orders&namespace=prod&canary=6d4f9c7b8";

describe("slogate serve: strict parameters, 400 with a reason", () => {
  it.each([
    { name: "missing window", query: "service=a&namespace=b&canary=c", reason: /window: required/ },
    { name: "window too long", query: OK_QUERY.replace("5m", "2h"), reason: /window: "2h"/ },
    { name: "window not a duration", query: OK_QUERY.replace("5m", "5min"), reason: /window/ },
    {
      name: "unknown parameter",
      query: `${OK_QUERY}&prometheus=http://evil:9090`,
      reason: /prometheus: unknown parameter/,
    },
    {
      name: "a query as a parameter",
      query: `${OK_QUERY}&query=up`,
      reason: /query: unknown parameter/,
    },
    {
      name: "duplicate parameter",
      query: `${OK_QUERY}&service=x`,
      reason: /service: given more than once/,
    },
    { name: "missing label", query: "window=5m&service=a&namespace=b", reason: /canary: required/ },
    {
      name: "PromQL injection in a label value",
      query: OK_QUERY.replace("orders", encodeURIComponent('a"} or vector(1) #')),
      reason: /service: letters, digits/,
    },
    { name: "regex in a label value", query: OK_QUERY.replace("orders", ".*"), reason: /service/ },
    { name: "bad tier", query: `${OK_QUERY}&require=gold`, reason: /require: one of/ },
  ])("$name", async ({ query, reason }) => {
    const answer = await get(`/v1/analysis/users-api?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.type).toMatch(/^application\/json/);
    expect((answer.body.error as { message: string }).message).toMatch(reason);
  });

  it("profiles only by name from the configured folder", async () => {
    for (const name of ["..%2F..%2Fetc%2Fpasswd", "users-api.yaml", "Users"]) {
      expect((await get(`/v1/analysis/${name}?${OK_QUERY}`)).status).toBe(400);
    }
    const unknown = await get(`/v1/analysis/no-such-profile?${OK_QUERY}`);
    expect(unknown.status).toBe(404);
    // The answer does not reveal where profiles live.
    expect(JSON.stringify(unknown.body)).not.toContain("/");
  });
});

describe("slogate serve: auth, health, limits", () => {
  it("the analysis route needs the bearer token; health routes do not", async () => {
    expect((await get(`/v1/analysis/users-api?${OK_QUERY}`, {})).status).toBe(401);
    const wrong = { authorization: "Bearer not-the-token-0123456789" };
    expect((await get(`/v1/analysis/users-api?${OK_QUERY}`, wrong)).status).toBe(401);
    expect((await get("/healthz", {})).status).toBe(200);
    expect(await get("/readyz", {})).toMatchObject({ status: 200, body: { status: "ready" } });
    expect((await get("/nope", {})).status).toBe(404);
    const post = await fetch(`${server.url}/v1/analysis/users-api`, { method: "POST" });
    expect(post.status).toBe(405);
  });

  it("label values reach every query as exact matchers; an empty answer is inconclusive, never pass", async () => {
    answerEmpty();
    const answer = await get(`/v1/analysis/users-api?${OK_QUERY}`);
    expect(answer.status).toBe(200);
    expect(answer.body.verdict).toBe("inconclusive");
    expect(answer.body.achievedTier).toBeNull();
    const objectives = answer.body.objectives as { id: string; verdict: string }[];
    expect(objectives.map((o) => o.id)).toEqual([
      "latency_p95",
      "error_rate",
      "throughput",
      "db_latency_p95",
      "cpu",
      "memory",
    ]);
    for (const objective of objectives) expect(objective.verdict).not.toBe("pass");
    // The label values reached the queries as exact matchers.
    expect(prometheus.requests.some((r) => r.query.includes('service="orders"'))).toBe(true);
    expect(
      prometheus.requests.some((r) => r.query.includes('rollouts_pod_template_hash="6d4f9c7b8"')),
    ).toBe(true);
  });

  it("a failing Prometheus answers verdict error", async () => {
    prometheus.setHandler(() => ({
      status: 500,
      body: { status: "error", errorType: "internal", error: "boom" },
    }));
    const answer = await get(`/v1/analysis/users-api?${OK_QUERY}`);
    expect(answer.status).toBe(200);
    expect(answer.body.verdict).toBe("error");
    expect((await get("/readyz", {})).status).toBe(503);
    answerEmpty();
  });

  it("a slow Prometheus hits the per-request deadline (504), and a second analysis meanwhile is refused (503)", async () => {
    answerEmpty(5_000);
    const slow = get(`/v1/analysis/users-api?${OK_QUERY}`);
    // Wait until the first analysis holds the only slot (its queries arrived).
    const before = prometheus.requests.length;
    const deadline = Date.now() + 5_000;
    while (prometheus.requests.length === before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const second = await get(`/v1/analysis/users-api?${OK_QUERY}`);
    expect(second.status).toBe(503);
    const first = await slow;
    expect(first.status).toBe(504);
    expect((first.body.error as { code: string }).code).toBe("TIMEOUT");
    answerEmpty();
  });

  it("logs are JSON lines without the token or headers", () => {
    const text = JSON.stringify(logs);
    expect(logs.some((entry) => entry.msg === "request" && entry.status === 400)).toBe(true);
    expect(text).not.toContain(TOKEN);
    expect(text.toLowerCase()).not.toContain("authorization");
    expect(logs.find((entry) => entry.verdict === "inconclusive")).toMatchObject({
      profile: "users-api",
      route: "/v1/analysis/:profile",
    });
  });
});

describe("slogate serve: a profile's prometheus: section", () => {
  it("names the series and labels every query uses; serve's own --selector beats the profile's", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "slogate-serve-profile-"));
    mkdirSync(path.join(dir, "profiles"));
    copyFileSync(path.join(THRESHOLDS_DIR, "tiers.yaml"), path.join(dir, "tiers.yaml"));
    writeFileSync(
      path.join(dir, "profiles", "shop.yaml"),
      [
        "version: 1",
        "name: shop",
        "prometheus:",
        "  selector: 'job=\"shop\"'",
        "  metrics: { requestsTotal: shop_requests_total, requestDuration: shop_latency_seconds }",
        "  labels: { route: path, status: code, method: verb }",
        "objectives:",
        "  - id: error_rate",
        "    requests: { methods: [GET] }",
        "  - id: latency_p95",
        "",
      ].join("\n"),
    );
    const servers: RunningServe[] = [];
    const queriesOf = async (selector: string | undefined): Promise<string[]> => {
      const running = await serve({
        port: 0,
        prometheus: prometheus.url,
        thresholdsDir: dir,
        maxWindowSeconds: 3_600,
        log: () => undefined,
        ...(selector !== undefined ? { selector } : {}),
      });
      servers.push(running);
      const before = prometheus.requests.length;
      const response = await fetch(`${running.url}/v1/analysis/shop?${OK_QUERY}`);
      expect(response.status).toBe(200);
      return prometheus.requests.slice(before).map((r) => r.query);
    };
    try {
      answerEmpty();
      const fromProfile = await queriesOf(undefined);
      const requestQueries = fromProfile.filter((q) => q.includes("shop_requests_total"));
      expect(requestQueries.length).toBeGreaterThan(0);
      expect(fromProfile.some((q) => q.includes("shop_latency_seconds_bucket"))).toBe(true);
      expect(fromProfile.join("\n")).not.toMatch(/http_requests_total|http_request_duration/);
      expect(requestQueries.some((q) => q.includes('verb=~"GET"'))).toBe(true);
      expect(fromProfile.join("\n")).not.toContain("method=");
      expect(requestQueries.some((q) => /code=~"5\.\."/.test(q))).toBe(true);
      expect(requestQueries.every((q) => q.includes('job="shop"'))).toBe(true);
      const fromFlag = await queriesOf('job="checkout"');
      const flagged = fromFlag.filter((q) => q.includes("shop_requests_total"));
      expect(flagged.length).toBeGreaterThan(0);
      expect(flagged.every((q) => q.includes('job="checkout"') && !q.includes('job="shop"'))).toBe(
        true,
      );
    } finally {
      await Promise.all(servers.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
