import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { capacity } from "../../src/commands/capacity/capacity.js";
import type { CapacityResult, CapacityStep } from "../../src/core/capacity/result.js";
import { scrapeTargetOf } from "../../src/stack/prometheus/config.js";
import { startPrometheus, type PrometheusServer } from "../../src/stack/prometheus/server.js";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { runCli } from "../e2e/cli.js";

// `capacity --prometheus` with the real k6, the reference service and a real
// Prometheus scraping it every second: each step's steady window is also
// judged on what the server measured. Steps are short (1 s warm-up + 3 s).

let targets: RunningTargets | undefined;
let prometheus: PrometheusServer | undefined;
afterEach(async () => {
  await prometheus?.close();
  await targets?.close();
  prometheus = targets = undefined;
});

async function startScraped(faults: string): Promise<{ targetUrl: string; prometheusUrl: string }> {
  targets = await startTargets({ port: 0, faults, rateLimit: false });
  prometheus = await startPrometheus({ scrapeTargets: [scrapeTargetOf(targets.url)] });
  return { targetUrl: targets.url, prometheusUrl: prometheus.url };
}

function describeSteps(steps: readonly CapacityStep[]): string {
  return steps
    .map(
      (step) =>
        `${step.ratePerSecond}/s ${step.outcome} k6 p95=${step.p95Ms?.toFixed(1)} server p95=${step.server?.p95Ms?.toFixed(1)} db p95=${step.server?.dbP95Ms?.toFixed(1)} server req=${step.server?.requests} k6 req=${step.requests} query=${step.server?.queryMs} ms wall=${step.wallSeconds.toFixed(1)} s ${step.reasons[0] ?? step.server?.notes[0] ?? ""}`,
    )
    .join("\n");
}

describe("slogate capacity --prometheus", () => {
  it("a database slower than the profile's mandatory db_latency_p95 fails even the lowest rate, though k6's latency passes (exit 1)", async () => {
    // 120 ms per storage call: the database p95 misses Target (< 100 ms),
    // while k6's p95 (~120 ms plus overhead) stays well within Target's 500 ms.
    const { targetUrl, prometheusUrl } = await startScraped("db=120ms");
    const cwd = mkdtempSync(path.join(tmpdir(), "slogate-capacity-prom-"));
    // products-api with the database p95 mandatory (it is informational as shipped).
    const shipped = readFileSync(path.resolve("thresholds/profiles/products-api.yaml"), "utf8");
    const strict = shipped.replace(/(- id: db_latency_p95\n\s+mandatory:) false/, "$1 true");
    expect(strict).not.toBe(shipped);
    const profileFile = path.join(cwd, "products-db.yaml");
    writeFileSync(profileFile, strict);

    const result = await runCli(
      [
        "capacity",
        "--target",
        targetUrl,
        "--profile",
        profileFile,
        "--require",
        "target",
        "--prometheus",
        prometheusUrl,
        "--warmup",
        "1",
        "--step",
        "3",
        "--budget",
        "40",
        "--reports-dir",
        cwd,
      ],
      { cwd },
    );
    const dir = /^reports: (\S+)$/m.exec(result.stdout)?.[1];
    expect(dir, result.stdout + result.stderr.slice(-1500)).toBeDefined();
    const json = JSON.parse(
      readFileSync(path.join(dir ?? "", "capacity.json"), "utf8"),
    ) as CapacityResult;
    const steps = describeSteps(json.steps);
    console.log(`db=120ms: ${json.statement} in ${json.wallSeconds.toFixed(1)} s\n${steps}`);
    expect(result.code, steps).toBe(1);
    expect(json.kind, steps).toBe("no-passing-rate");
    expect(json.steps.length, steps).toBeGreaterThan(0);
    for (const step of json.steps) {
      expect(step.outcome, steps).toBe("fail");
      expect(step.limitedBy, steps).toBe("service");
      expect(step.reasons[0], steps).toMatch(/^server db_latency_p95 \(Prometheus\): /);
      // k6 alone would have passed the step: its objectives held and it delivered the load.
      expect(
        step.objectives.every((objective) => objective.verdict === "pass"),
        steps,
      ).toBe(true);
      expect(step.p95Ms ?? Infinity, steps).toBeLessThan(json.latencyBoundMs ?? 0);
      expect(step.droppedIterations, steps).toBe(0);
      // The server's figures for the step: database p95 above Target's 100 ms.
      expect(step.server?.dbP95Ms ?? 0, steps).toBeGreaterThan(100);
      expect(step.server?.objectives.find((o) => o.id === "db_latency_p95")?.verdict).toBe("fail");
    }
    expect(result.stdout).toContain("server db_latency_p95 (Prometheus)");
    expect(result.stdout).toMatch(/server side \(Prometheus\):\n#1 \d+ req\/s: p95 [\d.]+ ms/);
  });

  it("capacity=4x20ms (C/S = 200 req/s): found within ±10% with the server's figures on every step", async () => {
    const { targetUrl, prometheusUrl } = await startScraped("capacity=4x20ms");
    const truth = 200;
    const { result, files } = await capacity({
      target: targetUrl,
      prometheus: { url: prometheusUrl },
      warmUpSeconds: 1,
      steadySeconds: 3,
      budgetSeconds: 90,
      reportsDir: mkdtempSync(path.join(tmpdir(), "slogate-capacity-prom-")),
    });
    const steps = describeSteps(result.steps);
    console.log(
      `capacity=4x20ms --prometheus: ${result.statement} in ${result.wallSeconds.toFixed(1)} s, ${result.steps.length} steps\n${steps}`,
    );
    expect(result.kind, steps).toBe("found");
    const found = result.capacityRatePerSecond ?? 0;
    expect(Math.abs(found - truth) / truth, steps).toBeLessThanOrEqual(0.1);
    const judged = result.steps.filter(
      (step) => step.outcome !== "interrupted" && step.outcome !== "error",
    );
    for (const step of judged) {
      const server = step.server;
      expect(server, steps).toBeTruthy();
      // The server counted the requests k6 sent in the window, give or take one
      // 1 s scrape of traffic at each edge of the 3 s window.
      const edges = 2 * step.ratePerSecond * 1 + 0.02 * step.requests;
      expect(server?.requests ?? 0, steps).toBeGreaterThan(step.requests - edges);
      expect(server?.requests ?? Infinity, steps).toBeLessThan(step.requests + edges);
      expect(server?.p95Ms, steps).not.toBeNull();
      expect(server?.errorRatio, steps).not.toBeNull();
      // The in-memory store answers well within the database's Excellent (< 10 ms).
      expect(server?.dbP95Ms ?? Infinity, steps).toBeLessThan(10);
    }
    // No server breach decided a step: the passes and fails are k6's.
    expect(
      result.steps.every((step) => !step.reasons.some((reason) => reason.startsWith("server "))),
      steps,
    ).toBe(true);
    const json = JSON.parse(readFileSync(files.json ?? "", "utf8")) as CapacityResult;
    expect(json.steps.map((step) => step.server?.requests)).toEqual(
      result.steps.map((step) => step.server?.requests),
    );
  });
});
