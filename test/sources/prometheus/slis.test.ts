import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensurePrometheus } from "../../../src/stack/prometheus/provision.js";
import { startPrometheus, type PrometheusServer } from "../../../src/stack/prometheus/server.js";
import { collectPrometheusEvidence } from "../../../src/sources/prometheus/collect.js";
import {
  readPrometheusSlis,
  type PrometheusSlisResult,
} from "../../../src/sources/prometheus/slis.js";
import { DEFAULT_PROMETHEUS_SLI_SETTINGS } from "../../../src/promql/settings.js";
import { waitForScrapeAfter } from "../../../src/sources/prometheus/wait.js";
import { checkBucketResolution } from "../../../src/core/cross-check.js";
import { readBucketEdges } from "../../../src/sources/prometheus/buckets.js";
import {
  HTTP_DURATION_BUCKETS_SECONDS,
  startTargets,
  type RunningTargets,
} from "../../../src/targets/index.js";
import { startMetricsProxy, type MetricsProxy } from "./metrics-proxy.js";

const SLOW_ROUTE = "/api/v1/products/:id";
const FLAKY_ROUTE = "/api/v1/users/:id";
const MEMORY_LIMIT_BYTES = 4 * 1024 ** 3;

const settings = {
  ...DEFAULT_PROMETHEUS_SLI_SETTINGS,
  selector: 'job="slogate-targets"',
  cpuCores: 1,
  memoryLimitBytes: MEMORY_LIMIT_BYTES,
};

interface ClientTally {
  requests: number;
  errors: number;
  byRoute: Map<string, { requests: number; errors: number; latenciesMs: number[] }>;
}

/**
 * A fixed list of requests, four at a time: bounded in count, loopback only.
 * The tally is the ground truth the server-side numbers are checked against.
 */
async function sendRequests(
  baseUrl: string,
  plan: { route: string; path: string }[],
): Promise<ClientTally> {
  const tally: ClientTally = { requests: 0, errors: 0, byRoute: new Map() };
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const item = plan[next++];
      if (item === undefined) return;
      const started = performance.now();
      const response = await fetch(`${baseUrl}${item.path}`);
      await response.arrayBuffer();
      const row = tally.byRoute.get(item.route) ?? { requests: 0, errors: 0, latenciesMs: [] };
      row.requests++;
      row.latenciesMs.push(performance.now() - started);
      tally.requests++;
      if (response.status >= 500) {
        row.errors++;
        tally.errors++;
      }
      tally.byRoute.set(item.route, row);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return tally;
}

function buildPlan(): { route: string; path: string }[] {
  const plan: { route: string; path: string }[] = [];
  for (let i = 1; i <= 40; i++) plan.push({ route: SLOW_ROUTE, path: `/api/v1/products/${i}` });
  for (let i = 1; i <= 80; i++) plan.push({ route: FLAKY_ROUTE, path: `/api/v1/users/${i}` });
  for (let i = 0; i < 40; i++)
    plan.push({ route: "/api/v1/products", path: `/api/v1/products?limit=5&offset=${i}` });
  return plan;
}

/** Runs the plan inside a window and reads it back once Prometheus has scraped past its end. */
async function measureWindow(
  targets: RunningTargets,
  prometheus: PrometheusServer,
  duringTraffic?: () => Promise<void>,
): Promise<{ tally: ClientTally; result: PrometheusSlisResult; rssBytes: number }> {
  const fromMs = Date.now();
  const [tally] = await Promise.all([sendRequests(targets.url, buildPlan()), duringTraffic?.()]);
  const rssBytes = process.memoryUsage().rss;
  const connection = { url: prometheus.url, timeoutMs: 5_000 };
  // At least 5 s of window, so several scrapes fall inside it on a busy machine too.
  const afterMs = Math.max(Date.now(), fromMs + 5_000);
  await waitForScrapeAfter({ connection, selector: settings.selector, afterMs, timeoutMs: 20_000 });
  const toMs = Date.now();
  const result = await readPrometheusSlis({ connection, fromMs, toMs, settings });
  return { tally, result, rssBytes };
}

describe("readPrometheusSlis against a real Prometheus scraping the reference service", () => {
  let targets: RunningTargets;
  let proxy: MetricsProxy;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    // A fresh machine gets Prometheus from Debian here; a missing one fails, never skips.
    ensurePrometheus({ install: true });
    targets = await startTargets({
      faults: `latency@${SLOW_ROUTE}=120ms,error@${FLAKY_ROUTE}=0.25,seed=7`,
      rateLimit: false,
    });
    proxy = await startMetricsProxy(targets.url);
    prometheus = await startPrometheus({ scrapeTargets: [proxy.target] });
  });

  afterAll(async () => {
    await prometheus?.close();
    await proxy?.close();
    await targets?.close();
  });

  it("reads what the client saw: exact counts, error ratio, p95 in the right bucket", async () => {
    const { tally, result, rssBytes } = await measureWindow(targets, prometheus);
    const evidence = Object.fromEntries(result.evidence.map((e) => [e.id, e]));
    for (const item of result.evidence)
      expect(item.status, `${item.id}: ${item.reason ?? ""}`).toBe("ok");
    expect(result.coverage.kind).toBe("complete");

    // Counts: the counter at the end minus at the start is exact, /metrics scrapes excluded.
    expect(tally.requests).toBe(160);
    expect(evidence.throughput?.samples).toBe(tally.requests);
    expect(evidence.throughput?.value).toBeCloseTo(tally.requests / result.windowSeconds, 9);
    expect(tally.errors).toBeGreaterThan(0);
    expect(evidence.error_rate?.value).toBeCloseTo(tally.errors / tally.requests, 9);

    // p95: 40 of 160 requests are delayed 120 ms, so the 95th percentile is one
    // of them; the histogram edges around it are 100 and 150 ms.
    expect(evidence.latency_p95?.value).toBeGreaterThan(100);
    expect(evidence.latency_p95?.value).toBeLessThanOrEqual(150);
    expect(evidence.latency_p95?.samples).toBe(tally.requests);

    const slow = result.routes.find((r) => r.route === SLOW_ROUTE);
    expect(slow?.requests).toBe(tally.byRoute.get(SLOW_ROUTE)?.requests);
    expect(slow?.latencyMs).toBeGreaterThan(100);
    expect(slow?.latencyMs).toBeLessThanOrEqual(150);
    const flaky = result.routes.find((r) => r.route === FLAKY_ROUTE);
    expect(flaky?.errors).toBe(tally.byRoute.get(FLAKY_ROUTE)?.errors);
    expect(result.routes.map((r) => r.route)).not.toContain("/metrics");

    // The in-memory store answers in microseconds: DB p95 well under 10 ms, one call per request at least.
    expect(evidence.db_latency_p95?.value).toBeLessThan(10);
    expect(evidence.db_latency_p95?.samples).toBeGreaterThanOrEqual(120);

    // CPU of the process hosting the service (this one), as a share of one core; memory as RSS / 4 GiB.
    expect(evidence.cpu?.value).toBeGreaterThan(0);
    expect(evidence.cpu?.value).toBeLessThanOrEqual(os.availableParallelism());
    expect(evidence.memory?.value).toBeGreaterThan((0.5 * rssBytes) / MEMORY_LIMIT_BYTES);
    expect(evidence.memory?.value).toBeLessThan((2 * rssBytes) / MEMORY_LIMIT_BYTES);
    expect(evidence.memory?.samples).toBeGreaterThanOrEqual(2);

    for (const timing of result.timings) expect(timing.outcome).toBe("ok");

    // The edges Prometheus stored are the ones the service declares.
    const edges = await readBucketEdges({
      connection: { url: prometheus.url },
      metric: "http_request_duration_seconds",
      selector: settings.selector,
      atMs: Date.now(),
    });
    expect(edges).toEqual({
      kind: "ok",
      edgesMs: HTTP_DURATION_BUCKETS_SECONDS.map((edge) => Math.round(edge * 1e6) / 1e3),
    });
    // The service puts edges on the API tier boundaries, so its p95 is always resolvable.
    const resolution = checkBucketResolution({
      edgesMs: edges.kind === "ok" ? edges.edgesMs : [],
      estimateMs: evidence.latency_p95?.value ?? Number.NaN,
      boundariesMs: [100, 200, 500],
    });
    expect(resolution.bucket).toEqual({ lowerMs: 100, upperMs: 150 });
    expect(resolution.unresolvedBoundariesMs).toEqual([]);
  });

  it("a scrape gap inside the window makes every objective inconclusive", async () => {
    const { result } = await measureWindow(targets, prometheus, async () => {
      proxy.setFailing(true);
      const failedBefore = proxy.failedScrapes();
      // Hold the gap until Prometheus has tried (and failed) at least twice.
      const deadline = Date.now() + 10_000;
      while (proxy.failedScrapes() < failedBefore + 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      proxy.setFailing(false);
    });
    expect(proxy.failedScrapes()).toBeGreaterThanOrEqual(2);
    expect(result.coverage.kind).toBe("gap");
    for (const item of result.evidence) {
      expect(item.status, item.id).toBe("inconclusive");
      expect(item.reason).toMatch(/scrape gap: .*failed scrape/);
    }
  });

  it("collectPrometheusEvidence waits for the scrape and cross-checks against the client", async () => {
    const fromMs = Date.now();
    const tally = await sendRequests(targets.url, buildPlan());
    // The window must span several scrapes: hold its end until 5 s after its start.
    const toMs = Math.max(Date.now(), fromMs + 5_000);
    // A client p95 inside the server's (100, 150] bucket: the fastest delayed request (>= 120 ms).
    const clientP95Ms = Math.min(...(tally.byRoute.get(SLOW_ROUTE)?.latenciesMs ?? []));
    const common = {
      url: prometheus.url,
      fromMs,
      toMs,
      settings,
      // 125 ms lies inside the service's (100, 150] bucket; 100 and 200 are edges.
      boundariesMs: { latency_p95: [100, 125, 200] },
    };
    const honest = await collectPrometheusEvidence({
      ...common,
      client: { requests: tally.requests, p95Ms: clientP95Ms },
    });
    expect(honest.coverage.kind).toBe("complete");
    expect(honest.evidence.find((e) => e.id === "throughput")?.samples).toBe(tally.requests);
    expect(honest.findings.map((f) => f.code)).toEqual(["BUCKET_RESOLUTION"]);
    expect(honest.findings[0]?.message).toContain("125 ms");

    const inflated = await collectPrometheusEvidence({
      ...common,
      client: { requests: tally.requests * 2, p95Ms: 1_000 },
    });
    expect(inflated.findings.map((f) => f.code).sort()).toEqual([
      "BUCKET_RESOLUTION",
      "SERVER_COUNT_LOW",
      "SERVER_P95_FAR_BELOW_CLIENT",
    ]);
  });

  it("a selector that matches nothing is inconclusive, not zero", async () => {
    const toMs = Date.now();
    const result = await readPrometheusSlis({
      connection: { url: prometheus.url },
      fromMs: toMs - 10_000,
      toMs,
      settings: { ...settings, selector: 'job="no-such-job"' },
    });
    for (const item of result.evidence) expect(item.status, item.id).toBe("inconclusive");
  });
});
