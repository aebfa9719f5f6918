// The generated rules evaluated by a real Prometheus (its rule manager, not
// single queries), scraping the real reference service under real k6 traffic:
// one healthy service, one answering 10 % of API requests with 503, and a
// scrape target on a closed port (the shared live stack,
// test/fixtures/live-stack.ts, which generates one rule file per instance
// with `rules --format rule-file`, checks it with promtool and loads it). The
// alerts keep their generated `for:` (2m and more), so within a short test
// they reach "pending", which is the rule manager's proof that the expression
// held at an evaluation.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, inject, it } from "vitest";
import { THRESHOLDS_DIR } from "../../src/sources/load-profile.js";
import { hostOf, LIVE_ERROR_RATIO } from "../fixtures/live-stack.js";

const RECORD = "slogate_products_api:error_ratio";
const ERROR_RATIO = LIVE_ERROR_RATIO;
/** The Target tier's error-ratio bound: the HighErrorRate threshold and the burn-rate budget. */
const BUDGET = (
  parse(readFileSync(path.join(THRESHOLDS_DIR, "tiers.yaml"), "utf8")) as {
    rows: { error_rate: { target: number } };
  }
).rows.error_rate.target;

const stack = inject("liveStack");
const healthy = hostOf(stack.healthyUrl);
const faulty = hostOf(stack.faultyUrl);
const closed = stack.closedInstance;

interface Alert {
  labels: Record<string, string>;
  state: string;
}

async function api<T>(route: string): Promise<T> {
  const response = await fetch(`${stack.prometheusUrl}${route}`);
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

describe("generated rules in a real Prometheus, against the real reference service", () => {
  it("HighErrorRate goes pending for injected errors only; ServiceDown for the closed port only", async () => {
    // Bounded: the rule groups run every second; allow a busy machine 20 s.
    const deadline = Date.now() + 20_000;
    let seen: Alert[] = [];
    const has = (name: string, instance: string) =>
      seen.some((a) => a.labels.alertname === name && a.labels.instance === instance);
    while (Date.now() < deadline) {
      seen = await alerts();
      if (has("ProductsApiHighErrorRate", faulty) && has("ProductsApiServiceDown", closed)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const byName = (name: string) =>
      seen
        .filter((a) => a.labels.alertname === name)
        .map((a) => `${a.labels.instance} ${a.state}`)
        .sort();
    // The generated `for: 5m` / `2m` keeps them pending within this test.
    expect(byName("ProductsApiHighErrorRate")).toEqual([`${faulty} pending`]);
    expect(byName("ProductsApiServiceDown")).toEqual([`${closed} pending`]);
    expect(byName("ProductsApiHighLatency")).toEqual([]);
    // The ALERTS series Alertmanager-less setups read says the same.
    const series = await vector('ALERTS{alertname="ProductsApiHighErrorRate"}');
    expect([...series.keys()]).toEqual([faulty]);
  }, 30_000);

  it("recording rules hold the measured error ratio; burn-rate alerts follow the budget", async () => {
    for (const range of ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]) {
      const values = await vector(`${RECORD}:rate${range}`);
      const bad = values.get(faulty);
      if (range === "5m")
        console.log(`recorded error ratio (5m): faulty ${bad}, healthy ${values.get(healthy)}`);
      expect(bad, `${range} faulty`).toBeGreaterThan(ERROR_RATIO / 2);
      expect(bad, `${range} faulty`).toBeLessThan(ERROR_RATIO * 2);
      expect(values.get(healthy), `${range} healthy`).toBeLessThan(BUDGET);
      // No requests reach a closed port: no ratio, rather than a 0 that reads healthy.
      expect(values.has(closed), `${range} closed`).toBe(false);
    }
    const burns = (await alerts())
      .filter((a) => a.labels.alertname === "ProductsApiErrorBudgetBurn")
      .map((a) => `${a.labels.instance} ${a.labels.burn_window}`);
    // ~10 % errors burn a 1 % budget ~10x: the 1x window alerts, the 14.4x one cannot.
    expect(burns).toContain(`${faulty} 3d/6h`);
    expect(burns).not.toContain(`${faulty} 1h/5m`);
    expect(burns.filter((b) => !b.startsWith(faulty))).toEqual([]);
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
