// The generated rules evaluated by a real Prometheus (its rule manager, not
// single queries), scraping the real reference service under real k6 traffic:
// one healthy service, one answering 10 % of API requests with 503, and a
// scrape target on a closed port. The alerts keep their generated `for:`
// (5m and more), so within a short test they reach "pending", which is the
// rule manager's proof that the expression held at an evaluation.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rules } from "../../src/commands/rules.js";
import { startPrometheus, type PrometheusServer } from "../../src/stack/prometheus/server.js";
import { THRESHOLDS_DIR } from "../../src/sources/load-profile.js";
import { waitForScrapeAfter } from "../../src/sources/prometheus/wait.js";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { runScenario } from "../scenarios/run-scenario.js";

const PROFILE = "products-api";
const RECORD = "slogate_products_api:error_ratio";
// rate() cannot count the first errors of a 503 series born between two
// scrapes (it starts at its first scraped value, not 0), and in a test of a
// few seconds every series is born in the window. Enough errors keep that
// loss small beside the bounds checked below: 10 % of ~80 req/s.
const ERROR_RATIO = 0.1;
/** The Target tier's error-ratio bound: the HighErrorRate threshold and the burn-rate budget. */
const BUDGET = (
  parse(readFileSync(path.join(THRESHOLDS_DIR, "tiers.yaml"), "utf8")) as {
    rows: { error_rate: { target: number } };
  }
).rows.error_rate.target;

interface Alert {
  labels: Record<string, string>;
  state: string;
}

let work: string;
let healthy: RunningTargets;
let faulty: RunningTargets;
let closed: string;
let prometheus: PrometheusServer;

const instanceOf = (targets: RunningTargets) => new URL(targets.url).host;

async function api<T>(route: string): Promise<T> {
  const response = await fetch(`${prometheus.url}${route}`);
  const body = (await response.json()) as { status: string; data: T };
  expect(body.status, route).toBe("success");
  return body.data;
}

async function vector(promql: string): Promise<Map<string, number>> {
  const data = await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
    `/api/v1/query?query=${encodeURIComponent(promql)}`,
  );
  return new Map(data.result.map((r) => [r.metric.instance ?? "", Number(r.value[1])]));
}

async function alerts(): Promise<Alert[]> {
  return (await api<{ alerts: Alert[] }>("/api/v1/alerts")).alerts;
}

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "slogate-rules-live-"));
  healthy = await startTargets({ rateLimit: false });
  faulty = await startTargets({ rateLimit: false, faults: `error=${ERROR_RATIO},seed=7` });
  closed = `127.0.0.1:${await closedPort()}`;
  // One rule file per instance, as `slogate rules --format rule-file` writes it;
  // a 1 s group interval so the rule manager evaluates within the test.
  const ruleFiles = [instanceOf(healthy), instanceOf(faulty), closed].map((instance, i) => {
    const generated = rules({
      profile: PROFILE,
      selector: ["job=slogate-targets", `instance=${instance}`],
      format: "rule-file",
      interval: "1s",
      check: true,
      out: path.join(work, `rules-${i}.yaml`),
    });
    expect(generated.promtool?.ok, generated.promtool?.output).toBe(true);
    return generated.file ?? "";
  });
  prometheus = await startPrometheus({
    scrapeTargets: [instanceOf(healthy), instanceOf(faulty), closed],
    ruleFiles,
  });
  // Real k6 traffic to both services at once: ~11 s, loopback only.
  const env = (url: string, rate: number) => ({
    BASE_URL: url,
    RATE: String(rate),
    TIME_SCALE: "0.02",
  });
  const [a, b] = await Promise.all([
    runScenario("load", env(healthy.url, 40), 60_000),
    runScenario("load", env(faulty.url, 80), 60_000),
  ]);
  expect(a.result.exit.evidence, a.log).toBe(true);
  expect(b.result.exit.evidence, b.log).toBe(true);
  await waitForScrapeAfter({
    connection: { url: prometheus.url },
    selector: `job="slogate-targets",instance!="${closed}"`,
    afterMs: Date.now(),
    timeoutMs: 20_000,
  });
}, 120_000);

afterAll(async () => {
  await prometheus?.close();
  await healthy?.close();
  await faulty?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("generated rules in a real Prometheus, against the real reference service", () => {
  it("HighErrorRate goes pending for injected errors only; ServiceDown for the closed port only", async () => {
    // Bounded: the rule groups run every second; allow a busy machine 20 s.
    const deadline = Date.now() + 20_000;
    let seen: Alert[] = [];
    const has = (name: string, instance: string) =>
      seen.some((a) => a.labels.alertname === name && a.labels.instance === instance);
    while (Date.now() < deadline) {
      seen = await alerts();
      if (
        has("ProductsApiHighErrorRate", instanceOf(faulty)) &&
        has("ProductsApiServiceDown", closed)
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const byName = (name: string) =>
      seen
        .filter((a) => a.labels.alertname === name)
        .map((a) => `${a.labels.instance} ${a.state}`)
        .sort();
    // The generated `for: 5m` / `2m` keeps them pending within this test.
    expect(byName("ProductsApiHighErrorRate")).toEqual([`${instanceOf(faulty)} pending`]);
    expect(byName("ProductsApiServiceDown")).toEqual([`${closed} pending`]);
    expect(byName("ProductsApiHighLatency")).toEqual([]);
    // The ALERTS series Alertmanager-less setups read says the same.
    const series = await vector('ALERTS{alertname="ProductsApiHighErrorRate"}');
    expect([...series.keys()]).toEqual([instanceOf(faulty)]);
  }, 30_000);

  it("recording rules hold the measured error ratio; burn-rate alerts follow the budget", async () => {
    for (const range of ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]) {
      const values = await vector(`${RECORD}:rate${range}`);
      const bad = values.get(instanceOf(faulty));
      if (range === "5m")
        console.log(
          `recorded error ratio (5m): faulty ${bad}, healthy ${values.get(instanceOf(healthy))}`,
        );
      expect(bad, `${range} faulty`).toBeGreaterThan(ERROR_RATIO / 2);
      expect(bad, `${range} faulty`).toBeLessThan(ERROR_RATIO * 2);
      expect(values.get(instanceOf(healthy)), `${range} healthy`).toBeLessThan(BUDGET);
      // No requests reach a closed port: no ratio, rather than a 0 that reads healthy.
      expect(values.has(closed), `${range} closed`).toBe(false);
    }
    const burns = (await alerts())
      .filter((a) => a.labels.alertname === "ProductsApiErrorBudgetBurn")
      .map((a) => `${a.labels.instance} ${a.labels.burn_window}`);
    // ~10 % errors burn a 1 % budget ~10x: the 1x window alerts, the 14.4x one cannot.
    expect(burns).toContain(`${instanceOf(faulty)} 3d/6h`);
    expect(burns).not.toContain(`${instanceOf(faulty)} 1h/5m`);
    expect(burns.filter((b) => !b.startsWith(instanceOf(faulty)))).toEqual([]);
  });

  it("every rule evaluates without error in the rule manager", async () => {
    const { groups } = await api<{
      groups: {
        file: string;
        rules: { name: string; health: string; lastError?: string }[];
      }[];
    }>("/api/v1/rules");
    expect(groups).toHaveLength(6);
    for (const group of groups) {
      for (const rule of group.rules) {
        expect(rule.health, `${group.file} ${rule.name}: ${rule.lastError}`).toBe("ok");
      }
    }
  });
});
