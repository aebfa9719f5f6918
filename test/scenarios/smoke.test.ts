import { afterEach, describe, expect, it } from "vitest";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { readPoints, readSummaryMetric, runScenario } from "./run-scenario.js";

// Every route of the reference API, as the shared contract lists them.
const API_ROUTES = [
  "GET /api/v1/users",
  "POST /api/v1/users",
  "GET /api/v1/users/:id",
  "PUT /api/v1/users/:id",
  "PATCH /api/v1/users/:id",
  "DELETE /api/v1/users/:id",
  "GET /api/v1/products",
  "GET /api/v1/products/:id",
  "POST /orders",
  "GET /orders/:orderId",
  "GET /health/live",
  "GET /health/ready",
  "GET /metrics",
];

describe("smoke scenario with the real k6", () => {
  let targets: RunningTargets | undefined;
  afterEach(async () => {
    await targets?.close();
    targets = undefined;
  });

  it("passes against a healthy service, touching every route", async () => {
    targets = await startTargets();
    const run = await runScenario("smoke", { BASE_URL: targets.url }, 90_000);
    expect(run.result.exit.name, run.log).toBe("OK");

    const checks = readSummaryMetric(run.result.summaryPath, "checks");
    expect(checks?.fails).toBe(0);
    expect(checks?.passes).toBeGreaterThanOrEqual(API_ROUTES.length);

    const requests = readPoints(run.result.ndjsonPath).filter((p) => p.metric === "http_reqs");
    const seen = new Set(requests.map((p) => `${p.tags.method} ${p.tags.name}`));
    for (const route of API_ROUTES) expect(seen, route).toContain(route);
    // The deliberate 4xx probes are marked expected, so nothing counts as failed.
    const failed = readPoints(run.result.ndjsonPath).filter(
      (p) => p.metric === "http_req_failed" && p.value !== 0,
    );
    expect(failed).toEqual([]);
  });

  it("fails (exit 99, checks failed) when the service answers 5xx", async () => {
    targets = await startTargets({ faults: "error=1,status=503" });
    const run = await runScenario("smoke", { BASE_URL: targets.url }, 90_000);
    expect(run.result.exit.code, run.log).toBe(99);
    expect(readSummaryMetric(run.result.summaryPath, "checks")?.fails).toBeGreaterThan(0);
    const served503 = readPoints(run.result.ndjsonPath).filter(
      (p) => p.metric === "http_reqs" && p.tags.status === "503",
    );
    expect(served503.length).toBeGreaterThan(0);
  });

  it("names the broken route when the admin API breaks only POST /orders", async () => {
    targets = await startTargets();
    const put = await fetch(`${targets.adminUrl}/admin/faults`, {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: "error@/orders=1,status=500",
    });
    expect(put.status).toBe(200);
    const run = await runScenario("smoke", { BASE_URL: targets.url }, 90_000);
    expect(run.result.exit.code, run.log).toBe(99);

    const failedChecks = new Set(
      readPoints(run.result.ndjsonPath)
        .filter((p) => p.metric === "checks" && p.value === 0)
        .map((p) => p.tags.check ?? ""),
    );
    expect([...failedChecks].length).toBeGreaterThan(0);
    // Only the order calls fail; a user or product check failing would mean the
    // smoke test blames the wrong route.
    for (const check of failedChecks) expect(check).toMatch(/\/orders/);
    expect(failedChecks).toContain("POST /orders: status 201");
  });
});
