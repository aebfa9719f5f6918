import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensurePrometheus } from "../../../src/stack/prometheus/provision.js";
import { startPrometheus } from "../../../src/stack/prometheus/server.js";
import { readPrometheusSlis } from "../../../src/sources/prometheus/slis.js";
import { resolvePrometheusAuth } from "../../../src/sources/prometheus/auth.js";
import {
  DEFAULT_PROMETHEUS_SLI_SETTINGS,
  PROMETHEUS_OBJECTIVE_IDS,
} from "../../../src/promql/settings.js";
import {
  fullUpMatrix,
  startFakePrometheus,
  vectorBody,
  type FakeAnswer,
  type FakePrometheus,
  type FakeRequest,
} from "./fake-prometheus.js";

const settings = {
  ...DEFAULT_PROMETHEUS_SLI_SETTINGS,
  cpuCores: 2,
  memoryLimitBytes: 1024 ** 3,
};
const toMs = Date.UTC(2025, 0, 1, 12, 0, 0);
const fromMs = toMs - 60_000;

/** Answers like a healthy Prometheus: every query one series, value 1; no resets; no scrape gap. */
function healthy(request: FakeRequest): FakeAnswer {
  if (request.query.startsWith("up{")) {
    return { status: 200, body: fullUpMatrix(fromMs / 1000, toMs / 1000) };
  }
  const value = request.query.startsWith("sum(resets(") ? "0" : "1";
  return { status: 200, body: vectorBody(request.time, [value]) };
}

function promError(status: number, errorType: string, error: string): FakeAnswer {
  return { status, body: { status: "error", errorType, error } };
}

describe("readPrometheusSlis never passes what Prometheus did not answer cleanly", () => {
  let fake: FakePrometheus;

  beforeAll(async () => {
    fake = await startFakePrometheus();
  });
  afterAll(async () => {
    await fake?.close();
  });

  const read = (timeoutMs = 2_000) =>
    readPrometheusSlis({ connection: { url: fake.url, timeoutMs }, fromMs, toMs, settings });

  it("control: a clean answer gives ok evidence for all six objectives", async () => {
    fake.setHandler(healthy);
    const result = await read();
    expect(result.evidence.map((e) => [e.id, e.status])).toEqual(
      PROMETHEUS_OBJECTIVE_IDS.map((id) => [id, "ok"]),
    );
    // The values follow from "every query answers 1" and the settings, not from the code.
    const byId = Object.fromEntries(result.evidence.map((e) => [e.id, e.value]));
    expect(byId).toEqual({
      latency_p95: 1000,
      error_rate: 1,
      throughput: 1 / 60,
      db_latency_p95: 1000,
      cpu: 0.5,
      memory: 1 / 1024 ** 3,
    });
    expect(result.coverage.kind).toBe("complete");
    // Every query is evaluated at the end of the window.
    expect(new Set(fake.requests.map((r) => r.time))).toEqual(new Set([toMs / 1000]));
  });

  interface FailureCase {
    name: string;
    expected: "error" | "inconclusive";
    reason: RegExp;
    /** The reason when only the value queries answer this way (`up` answers healthy); `reason` if unset. */
    valueReason?: RegExp;
    answer: (request: FakeRequest) => FakeAnswer;
  }
  const nativeHistogram = (r: FakeRequest): FakeAnswer => ({
    status: 200,
    body: {
      status: "success",
      data: {
        resultType: "vector",
        result: [{ metric: {}, histogram: [r.time, { count: "1", sum: "1" }] }],
      },
    },
  });
  const withWarnings = (r: FakeRequest): FakeAnswer => {
    const answer = healthy(r);
    const body = {
      ...(answer.body as object),
      warnings: ["store 2 unreachable: partial response"],
    };
    return { ...answer, body };
  };
  const cases: FailureCase[] = [
    {
      name: "HTTP 400 bad_data",
      expected: "error",
      reason: /bad_data/,
      answer: () => promError(400, "bad_data", "parse error"),
    },
    {
      name: "HTTP 422 execution",
      expected: "error",
      reason: /HTTP 422 execution/,
      answer: () => promError(422, "execution", "many-to-many"),
    },
    {
      name: "HTTP 503 timeout",
      expected: "error",
      reason: /HTTP 503 timeout/,
      answer: () => promError(503, "timeout", "query timed out"),
    },
    {
      name: "HTTP 503 unavailable",
      expected: "error",
      reason: /HTTP 503/,
      answer: () => promError(503, "unavailable", "tsdb"),
    },
    {
      // Prometheus answers a query its client gave up on with 499 canceled.
      name: "HTTP 499 canceled",
      expected: "error",
      reason: /HTTP 499 canceled/,
      answer: () => promError(499, "canceled", "query was canceled"),
    },
    {
      name: "HTTP 404 not_found",
      expected: "error",
      reason: /HTTP 404 not_found/,
      answer: () => promError(404, "not_found", "no such endpoint"),
    },
    {
      name: "HTTP 406 not_acceptable",
      expected: "error",
      reason: /HTTP 406 not_acceptable/,
      answer: () => promError(406, "not_acceptable", "cannot encode the answer"),
    },
    {
      name: "HTTP 500 internal",
      expected: "error",
      reason: /internal/,
      answer: () => promError(500, "internal", "boom"),
    },
    {
      name: "HTTP 503 plain text",
      expected: "error",
      reason: /HTTP 503/,
      answer: () => ({ status: 503, body: "Service Unavailable", contentType: "text/plain" }),
    },
    {
      name: "status error behind HTTP 200",
      expected: "error",
      reason: /execution: proxied/,
      answer: () => promError(200, "execution", "proxied"),
    },
    {
      name: "HTML page with HTTP 200",
      expected: "error",
      reason: /not a Prometheus API response/,
      answer: () => ({ status: 200, body: "<html>login</html>", contentType: "text/html" }),
    },
    {
      name: "success without data",
      expected: "error",
      reason: /not a Prometheus API response: resultType/,
      answer: () => ({ status: 200, body: { status: "success" } }),
    },
    {
      name: "a native histogram where a number belongs",
      expected: "error",
      reason: /native histogram/,
      answer: nativeHistogram,
    },
    {
      name: "warnings (partial data)",
      expected: "inconclusive",
      reason: /partial/,
      answer: withWarnings,
    },
    {
      name: "empty vector",
      expected: "inconclusive",
      reason: /empty result|no `up` series/,
      valueReason: /empty result/,
      answer: (r) => ({ status: 200, body: vectorBody(r.time, []) }),
    },
    {
      name: "NaN",
      expected: "inconclusive",
      reason: /NaN/,
      answer: (r) => ({ status: 200, body: vectorBody(r.time, ["NaN"]) }),
    },
    {
      name: "+Inf",
      expected: "inconclusive",
      reason: /Inf/,
      answer: (r) => ({ status: 200, body: vectorBody(r.time, ["+Inf"]) }),
    },
    {
      name: "-Inf",
      expected: "inconclusive",
      reason: /Inf/,
      answer: (r) => ({ status: 200, body: vectorBody(r.time, ["-Inf"]) }),
    },
    {
      name: "slow answer beyond the timeout",
      expected: "error",
      reason: /within 500 ms/,
      answer: (r) => ({ ...healthy(r), delayMs: 3_000 }),
    },
    {
      name: "headers then a stalled body",
      expected: "error",
      reason: /within 500 ms/,
      answer: (r) => ({ ...healthy(r), stall: true }),
    },
  ];

  // The same answers on the value queries only, while `up` answers healthy:
  // each case must fail through the value path itself, not because the
  // scrape-coverage check already gave up on the window.
  it.each(cases)(
    "$name, on the value queries only (coverage complete) → $expected",
    async ({ expected, reason, valueReason, answer }) => {
      fake.setHandler((r) => (r.query.startsWith("up{") ? healthy(r) : answer(r)));
      const result = await read(500);
      expect(result.coverage.kind).toBe("complete");
      for (const evidence of result.evidence) {
        expect(evidence.status, `${evidence.id}: ${evidence.reason ?? ""}`).toBe(expected);
        expect(evidence.value).toBeNull();
        expect(evidence.reason).toMatch(valueReason ?? reason);
      }
    },
  );

  it.each(cases)("$name → $expected", async ({ expected, reason, answer }) => {
    fake.setHandler(answer);
    const started = Date.now();
    const result = await read(500);
    // Queries run in parallel: a slow Prometheus costs one timeout, not one per query.
    expect(Date.now() - started).toBeLessThan(2_500);
    for (const evidence of result.evidence) {
      expect(evidence.status, `${evidence.id}: ${evidence.reason ?? ""}`).toBe(expected);
      expect(evidence.value).toBeNull();
      expect(evidence.reason).toMatch(reason);
    }
  });

  it("a counter reset in the window makes request objectives inconclusive", async () => {
    fake.setHandler((r) =>
      r.query.startsWith("sum(resets(")
        ? { status: 200, body: vectorBody(r.time, ["1"]) }
        : healthy(r),
    );
    const result = await read();
    const status = Object.fromEntries(result.evidence.map((e) => [e.id, e.status]));
    expect(status).toMatchObject({
      latency_p95: "inconclusive",
      error_rate: "inconclusive",
      throughput: "inconclusive",
    });
    expect(status).toMatchObject({ db_latency_p95: "ok", cpu: "ok", memory: "ok" });
  });

  it("a profile's own query replaces the default, with {{window}} and {{selector}} filled in", async () => {
    fake.setHandler(healthy);
    fake.requests.length = 0;
    const own = "max(my_p95_ms{{{selector}}}[{{window}}])";
    const result = await readPrometheusSlis({
      connection: { url: fake.url },
      fromMs,
      toMs,
      settings: { ...settings, selector: 'app="api"', queries: { latency_p95: own } },
      objectives: ["latency_p95"],
    });
    expect(fake.requests.map((r) => r.query)).toContain('max(my_p95_ms{app="api"}[60000ms])');
    // Taken as it is, in the objective's unit (no seconds-to-ms scaling).
    expect(result.evidence[0]).toMatchObject({ id: "latency_p95", status: "ok", value: 1 });
  });

  it("rejects settings that would be PromQL syntax errors, naming the field", async () => {
    for (const [patch, field] of [
      [{ selector: '{job="x"}' }, "prometheus.selector"],
      [{ quantile: 95 }, "prometheus.quantile"],
      [
        { metrics: { ...settings.metrics, requestsTotal: "http requests" } },
        "prometheus.metrics.requestsTotal",
      ],
      [
        { labels: { route: "end-point", status: "status", method: "method" } },
        "prometheus.labels.route",
      ],
      [{ cpuCores: 0 }, "prometheus.cpuCores"],
    ] as const) {
      await expect(
        readPrometheusSlis({
          connection: { url: fake.url },
          fromMs,
          toMs,
          settings: { ...settings, ...patch },
        }),
      ).rejects.toThrow(field);
    }
  });

  it("a window too short for rates is inconclusive without querying", async () => {
    fake.requests.length = 0;
    const result = await readPrometheusSlis({
      connection: { url: fake.url },
      fromMs: toMs - 1_000,
      toMs,
      settings,
    });
    expect(result.evidence.every((e) => e.status === "inconclusive")).toBe(true);
    expect(fake.requests).toHaveLength(0);
  });

  it("sends bearer and basic credentials and custom headers, and never echoes a secret", async () => {
    const token = "s3cr3t-token-value";
    const auth = resolvePrometheusAuth(
      { kind: "bearer", tokenEnv: "SLOGATE_TEST_TOKEN" },
      { env: { SLOGATE_TEST_TOKEN: token } },
    );
    fake.setHandler((r) =>
      r.headers.authorization === `Bearer ${token}` && r.headers["x-scope-orgid"] === "team-a"
        ? healthy(r)
        : promError(401, "unauthorized", `bad credentials: ${String(r.headers.authorization)}`),
    );
    const ok = await readPrometheusSlis({
      connection: { url: fake.url, auth, headers: { "X-Scope-OrgID": "team-a" } },
      fromMs,
      toMs,
      settings,
    });
    expect(ok.evidence.every((e) => e.status === "ok")).toBe(true);

    const wrong = resolvePrometheusAuth(
      { kind: "basic", username: "u", passwordFile: "/dev/null" },
      { readFile: () => "pw-never-shown\n" },
    );
    fake.setHandler((r) =>
      promError(401, "unauthorized", `bad credentials: ${String(r.headers.authorization)}`),
    );
    const denied = await readPrometheusSlis({
      connection: { url: fake.url, auth: wrong },
      fromMs,
      toMs,
      settings,
    });
    expect(denied.evidence.every((e) => e.status === "error")).toBe(true);
    const printed = JSON.stringify(denied);
    expect(printed).toContain("HTTP 401");
    expect(printed).not.toContain(Buffer.from("u:pw-never-shown").toString("base64"));
    expect(printed).not.toContain("pw-never-shown");
  });
});

describe("a stopped Prometheus", () => {
  it("is unreachable: every objective is an error naming the network failure", async () => {
    const prometheus = await startPrometheus({
      scrapeTargets: [],
      binary: ensurePrometheus({ install: true }),
    });
    const url = prometheus.url;
    await prometheus.close();
    const result = await readPrometheusSlis({
      connection: { url, timeoutMs: 2_000 },
      fromMs,
      toMs,
      settings,
    });
    for (const evidence of result.evidence) {
      expect(evidence.status).toBe("error");
      expect(evidence.reason).toMatch(/network|ECONNREFUSED/);
    }
    expect(result.coverage.kind).toBe("error");
  });
});
