import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPrometheusCollector,
  type CollectorInput,
  type PrometheusOptions,
} from "../../../src/sources/prometheus/collector.js";
import type { ExternalMeasurement } from "../../../src/core/measurement.js";
import { SLOGATE_SCRAPE_JOB } from "../../../src/stack/prometheus/config.js";
import { ensurePrometheus } from "../../../src/stack/prometheus/provision.js";
import { startPrometheus, type PrometheusServer } from "../../../src/stack/prometheus/server.js";
import { loadProfile, THRESHOLDS_DIR } from "../../../src/sources/load-profile.js";
import { waitForScrapeAfter } from "../../../src/sources/prometheus/wait.js";
import { startTargets, type RunningTargets } from "../../../src/targets/index.js";
import { startRenamingProxy, type RenamingProxy } from "./renaming-metrics-proxy.js";

// Another vendor's service: the reference service's samples under other
// metric and label names, scraped by a real Prometheus. A profile's
// `prometheus:` section names them; the seed's default names find nothing.
const RENAMES = {
  metrics: {
    http_requests_total: "shop_server_requests_total",
    http_request_duration_seconds: "shop_server_latency_seconds",
    db_query_duration_seconds: "shop_store_call_seconds",
    process_cpu_seconds_total: "shop_cpu_used_seconds_total",
    process_resident_memory_bytes: "shop_rss_bytes",
  },
  labels: { endpoint: "path", status: "code", method: "verb" },
};
const FLAKY_ROUTE = "/api/v1/users/:id";
const LIMIT_BYTES = 4 * 1024 ** 3;
const SELECTOR = `job="${SLOGATE_SCRAPE_JOB}"`;

const SERIES_SECTION = `  metrics:
    requestsTotal: shop_server_requests_total
    requestDuration: shop_server_latency_seconds
    dbQueryDuration: shop_store_call_seconds
    cpuSecondsTotal: shop_cpu_used_seconds_total
    residentMemoryBytes: shop_rss_bytes
  labels: { route: path, status: code, method: verb }
  errorStatusRegex: "5.."
`;

function profileText(name: string, prometheus: string): string {
  return `version: 1
name: ${name}
tiers: ${path.join(THRESHOLDS_DIR, "tiers.yaml")}
prometheus:
  selector: '${SELECTOR}'
${prometheus}objectives:
  - id: latency_p95
  - id: error_rate
  - id: throughput
    mandatory: false
  - id: db_latency_p95
    mandatory: false
  - id: cpu
    mandatory: false
  - id: memory
    mandatory: false
`;
}

interface Tally {
  requests: number;
  errors: number;
  gets: number;
}

/** A fixed list of requests, four at a time: bounded in count, loopback only. */
async function sendRequests(baseUrl: string): Promise<Tally> {
  const plan: { path: string; body?: object }[] = [];
  for (let i = 1; i <= 60; i++) plan.push({ path: `/api/v1/users/${i}` });
  for (let i = 0; i < 40; i++) plan.push({ path: `/api/v1/products?limit=5&offset=${i}` });
  for (let i = 0; i < 10; i++) {
    plan.push({
      path: "/api/v1/users",
      body: { name: `Renamed ${i}`, email: `renamed-${process.pid}-${i}@example.test` },
    });
  }
  const tally: Tally = { requests: 0, errors: 0, gets: 0 };
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const item = plan[next++];
      if (item === undefined) return;
      const response = await fetch(
        `${baseUrl}${item.path}`,
        item.body
          ? {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(item.body),
            }
          : {},
      );
      await response.arrayBuffer();
      tally.requests++;
      if (!item.body) tally.gets++;
      if (response.status >= 500) tally.errors++;
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return tally;
}

describe("a profile's prometheus: section against a service with other metric names", () => {
  let targets: RunningTargets;
  let proxy: RenamingProxy;
  let prometheus: PrometheusServer;
  let dir: string;
  let window: CollectorInput;
  let tally: Tally;

  const profileFile = (name: string, section: string, extra = "") => {
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(file, profileText(name, section).replace("objectives:", `${extra}objectives:`));
    return loadProfile(file).profile;
  };
  const collect = async (
    name: string,
    section: string,
    flags: Partial<PrometheusOptions> = {},
    extra = "",
  ): Promise<Record<string, ExternalMeasurement>> => {
    const collector = createPrometheusCollector(profileFile(name, section, extra), {
      url: prometheus.url,
      timeoutMs: 5_000,
      ...flags,
    });
    const { measurements } = await collector(window);
    return Object.fromEntries(measurements.map((m) => [m.id, m]));
  };

  beforeAll(async () => {
    ensurePrometheus({ install: true });
    dir = mkdtempSync(path.join(os.tmpdir(), "slogate-prom-profile-"));
    targets = await startTargets({ faults: `error@${FLAKY_ROUTE}=0.25,seed=11`, rateLimit: false });
    proxy = await startRenamingProxy(targets.url, RENAMES);
    prometheus = await startPrometheus({ scrapeTargets: [proxy.target] });
    const fromMs = Date.now();
    tally = await sendRequests(targets.url);
    // At least 5 s of window, so several scrapes fall inside it on a busy machine too.
    const connection = { url: prometheus.url, timeoutMs: 5_000 };
    const afterMs = Math.max(Date.now(), fromMs + 5_000);
    await waitForScrapeAfter({ connection, selector: SELECTOR, afterMs, timeoutMs: 20_000 });
    window = { fromMs, toMs: Date.now(), client: { requests: tally.requests, p95Ms: null } };
  });

  afterAll(async () => {
    await prometheus?.close();
    await proxy?.close();
    await targets?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reads every objective from the names the profile gives", async () => {
    const got = await collect(
      "renamed",
      `${SERIES_SECTION}  cpuCores: 1\n  memoryLimitBytes: ${LIMIT_BYTES}\n`,
    );
    for (const item of Object.values(got)) {
      expect(item.status, `${item.id}: ${item.reason ?? ""}`).toBe("ok");
    }
    // The renamed counter is the same counter: exact request count, errors as the client saw them.
    expect(tally.requests).toBe(110);
    expect(tally.gets).toBe(100);
    expect(tally.errors).toBeGreaterThan(0);
    expect(got.throughput?.samples).toBe(tally.requests);
    expect(got.error_rate?.value).toBeCloseTo(tally.errors / tally.requests, 9);
    expect(got.latency_p95?.value).toBeGreaterThan(0);
    expect(got.latency_p95?.samples).toBe(tally.requests);
    expect(got.db_latency_p95?.samples).toBeGreaterThan(0);
    expect(got.cpu?.value).toBeGreaterThan(0);
    expect(got.memory?.value).toBeGreaterThan(0);
    expect(got.memory?.value).toBeLessThan(1);

    // A flag beats the profile: half the memory limit doubles the same window's ratio.
    const halved = await collect(
      "renamed-flag",
      `${SERIES_SECTION}  cpuCores: 1\n  memoryLimitBytes: ${LIMIT_BYTES}\n`,
      { memoryLimitBytes: LIMIT_BYTES / 2 },
    );
    expect(halved.memory?.value).toBeCloseTo(2 * (got.memory?.value ?? Number.NaN), 9);
  });

  it("a profile scoped to GET counts only GETs, through the renamed method label", async () => {
    const got = await collect("gets", SERIES_SECTION, {}, "requests: { methods: [GET] }\n");
    expect(got.throughput?.status).toBe("ok");
    expect(got.throughput?.samples).toBe(tally.gets);
  });

  it("with the seed's default names finds no series: inconclusive, never pass", async () => {
    const got = await collect("defaults", `  cpuCores: 1\n  memoryLimitBytes: ${LIMIT_BYTES}\n`);
    expect(Object.keys(got).sort()).toEqual(
      ["cpu", "db_latency_p95", "error_rate", "latency_p95", "memory", "throughput"].sort(),
    );
    for (const item of Object.values(got)) {
      expect(item.status, `${item.id}: ${item.reason ?? ""}`).toBe("inconclusive");
      expect(item.value).toBeNull();
      expect(item.reason).toMatch(/empty result/);
    }
  });

  it("memory without a limit from flag or profile is inconclusive and says where to give one", async () => {
    const got = await collect("no-limit", SERIES_SECTION);
    expect(got.memory?.status).toBe("inconclusive");
    expect(got.memory?.value).toBeNull();
    expect(got.memory?.reason).toMatch(/--memory-limit-bytes or prometheus\.memoryLimitBytes/);
    expect(got.cpu?.status).toBe("inconclusive");
    expect(got.cpu?.reason).toMatch(/--cpu-cores or prometheus\.cpuCores/);
    // The same window with the flag alone is judged.
    const flagged = await collect("no-limit-flag", SERIES_SECTION, {
      memoryLimitBytes: LIMIT_BYTES,
    });
    expect(flagged.memory?.status).toBe("ok");
  });
});
