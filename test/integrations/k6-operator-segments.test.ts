import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/commands/check.js";
import { k8sTestRun } from "../../src/commands/k8s-testrun.js";
import type { ObjectiveResult, ReportInput } from "../../src/core/types.js";
import { runSegmentsLocally, type LocalRunner } from "./k6-operator-local.js";
import { ensureK6 } from "../../src/k6/provision.js";
import { runK6, type RunK6Result } from "../../src/k6/run-k6.js";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { readPoints, type K6Point } from "../scenarios/run-scenario.js";

// The k6-operator's way of spreading one test over N pods, on one machine:
// the script and env of a generated TestRun, run as 3 k6 processes with the
// operator's --execution-segment flags (paused, then resumed together), and
// once as a single process with the same load. `slogate check` merges the 3
// NDJSON files; the combined verdict and figures must match the single run.
//
// Tolerances (the two runs are separate samples of a random service):
// requests ±3% of each other and ±5% of rate × seconds; p95 ±15%; error
// rates within 4 standard errors of each other (at least ±0.5 points); the
// same verdict and tier. The merged p95 must equal the exact
// p95 of all runners' raw samples pooled (HDR's 0.1%), i.e. histograms are
// merged, never per-runner percentiles averaged.

const RATE_PER_SECOND = 150;
const STEADY_SECONDS = 8;
const RUNNERS = 3;

let targets: RunningTargets;
let workDir: string;
let profilePath: string;
let merged: ReportInput;
let single: ReportInput;
let runners: LocalRunner[];
let singleRun: RunK6Result;

function objective(report: ReportInput, id: string): ObjectiveResult {
  const found = report.verdict.objectives.find((entry) => entry.id === id);
  if (!found) throw new Error(`no objective ${id}`);
  return found;
}

function steadyLatencies(points: K6Point[]): number[] {
  return points
    .filter(
      (p) =>
        p.metric === "http_req_duration" &&
        p.tags.phase === "steady" &&
        p.tags.expected_response === "true" &&
        p.tags.method === "GET" &&
        (p.tags.name === "/api/v1/products/:id" || p.tags.name === "/api/v1/products"),
    )
    .map((p) => p.value);
}

const steadyIterations = (points: K6Point[]) =>
  points.filter((p) => p.metric === "iterations" && p.tags.phase === "steady").length;

beforeAll(async () => {
  targets = await startTargets({ faults: "latency=20-80ms,error=0.003,seed=7", rateLimit: false });
  workDir = mkdtempSync(path.join(tmpdir(), "slogate-segments-"));
  // products-api with a window short enough for an 8 s steady phase.
  const original = readFileSync(path.join("thresholds", "profiles", "products-api.yaml"), "utf8");
  profilePath = path.join(workDir, "products-short.yaml");
  writeFileSync(profilePath, original.replace(/minWindowSeconds: \d+/, "minWindowSeconds: 5"));

  const generated = await k8sTestRun({
    scenario: "capacity",
    target: targets.url,
    name: "segments-test",
    parallelism: RUNNERS,
    profile: profilePath,
    testId: "segments-test-1",
    env: {
      RATE: String(RATE_PER_SECOND),
      DURATION_WARMUP: "2s",
      DURATION_STEADY: `${STEADY_SECONDS}s`,
      PRE_VUS: "30",
      MAX_VUS: "90",
    },
  });
  const spec = generated.testRun.spec as {
    arguments: string;
    runner: { env: { name: string; value: string }[] };
  };
  const data = (generated.configMap as { data: Record<string, string> }).data;
  const scriptPath = path.join(workDir, "capacity.js");
  writeFileSync(scriptPath, data["capacity.js"] ?? "");
  const env = Object.fromEntries(spec.runner.env.map((entry) => [entry.name, entry.value]));
  const args = spec.arguments.split(" ");
  const k6 = await ensureK6();

  runners = await runSegmentsLocally({
    k6,
    scriptPath,
    parallelism: RUNNERS,
    env,
    arguments: args,
    outDir: path.join(workDir, "segments"),
    testRunName: "segments-test",
    timeoutMs: 120_000,
  });
  singleRun = await runK6({
    k6,
    scriptPath,
    outDir: mkdtempSync(path.join(workDir, "single-")),
    env,
    extraArgs: ["--quiet", ...args],
    timeoutMs: 120_000,
  });
  merged = await check({
    k6Paths: runners.map((runner) => runner.result.ndjsonPath),
    profile: profilePath,
  });
  single = await check({ k6Paths: [singleRun.ndjsonPath], profile: profilePath });
}, 240_000);

afterAll(async () => {
  await targets.close();
});

describe("a TestRun's segments run as 3 local k6 processes, merged by check", () => {
  it("every runner ended well and did about a third of the work", () => {
    for (const runner of runners) expect(runner.result.exit.name, runner.dir).toBe("OK");
    expect(singleRun.exit.name).toBe("OK");
    const perRunner = runners.map((runner) =>
      steadyIterations(readPoints(runner.result.ndjsonPath)),
    );
    const total = perRunner.reduce((sum, count) => sum + count, 0);
    for (const count of perRunner) {
      expect(count / total).toBeGreaterThan(0.3);
      expect(count / total).toBeLessThan(0.37);
    }
  });

  it("gives the same verdict and tier as the single run", () => {
    expect(merged.verdict.verdict).toBe("pass");
    expect(single.verdict.verdict).toBe("pass");
    expect(merged.verdict.achievedTier).toBe(single.verdict.achievedTier);
    expect(merged.verdict.findings.map((finding) => finding.code)).not.toContain(
      "DROPPED_ITERATIONS",
    );
  });

  it("matches the single run's figures within the stated tolerances", () => {
    const mergedRequests = objective(merged, "throughput").samples;
    const singleRequests = objective(single, "throughput").samples;
    expect(Math.abs(mergedRequests - singleRequests) / singleRequests).toBeLessThanOrEqual(0.03);
    const ideal = RATE_PER_SECOND * STEADY_SECONDS;
    expect(Math.abs(mergedRequests - ideal) / ideal).toBeLessThanOrEqual(0.05);

    const mergedP95 = objective(merged, "latency_p95").value ?? 0;
    const singleP95 = objective(single, "latency_p95").value ?? 0;
    expect(Math.abs(mergedP95 - singleP95) / singleP95).toBeLessThanOrEqual(0.15);

    const mergedErrors = objective(merged, "error_rate").value ?? 1;
    const singleErrors = objective(single, "error_rate").value ?? 1;
    // Two samples of a 0.3% error process: within 4 standard errors of their difference.
    const pooledErrors = (mergedErrors + singleErrors) / 2;
    const standardError = Math.sqrt(
      pooledErrors * (1 - pooledErrors) * (1 / mergedRequests + 1 / singleRequests),
    );
    expect(Math.abs(mergedErrors - singleErrors)).toBeLessThanOrEqual(
      Math.max(0.005, 4 * standardError),
    );

    const mergedRate = objective(merged, "throughput").value ?? 0;
    const singleRate = objective(single, "throughput").value ?? 0;
    console.log(
      `merged ${RUNNERS} runners vs single: requests ${mergedRequests} vs ${singleRequests}, p95 ${mergedP95} vs ${singleP95} ms, errors ${mergedErrors} vs ${singleErrors}, ${mergedRate.toFixed(1)} vs ${singleRate.toFixed(1)} req/s`,
    );
    expect(Math.abs(mergedRate - singleRate) / singleRate).toBeLessThanOrEqual(0.05);
  });

  it("merges histograms exactly: the merged p95 is the pooled samples' p95, not an average", () => {
    const pooled = runners
      .flatMap((runner) => steadyLatencies(readPoints(runner.result.ndjsonPath)))
      .sort((a, b) => a - b);
    const latency = objective(merged, "latency_p95");
    expect(latency.samples).toBe(pooled.length);
    // The 95th percentile lies between the order statistics around rank 0.95·n.
    const rank = 0.95 * pooled.length;
    const low = pooled[Math.max(0, Math.floor(rank) - 1)] ?? 0;
    const high = pooled[Math.min(pooled.length - 1, Math.ceil(rank))] ?? 0;
    expect(latency.value).toBeGreaterThanOrEqual(low * 0.999);
    expect(latency.value).toBeLessThanOrEqual(high * 1.001 + 0.001);
  });
});
