import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/commands/check.js";
import { k8sTestRun } from "../../src/commands/k8s-testrun.js";
import type { ObjectiveResult, ReportInput } from "../../src/core/types.js";
import { ensureK6, type K6Binary } from "../../src/k6/provision.js";
import { buildK6RemoteWriteArgs, buildK6RemoteWriteEnv } from "../../src/k6/remote-write.js";
import { ensurePrometheus } from "../../src/stack/prometheus/provision.js";
import { startPrometheus, type PrometheusServer } from "../../src/stack/prometheus/server.js";
import { pickFreePort } from "../../src/stack/free-port.js";
import { startTargets, type RunningTargets } from "../../src/targets/index.js";
import { runCli } from "../e2e/cli.js";
import { runSegmentsLocally } from "./k6-operator-local.js";

// A distributed run judged from Prometheus against the exact merge of its
// runners' NDJSON. Three real k6 processes split one TestRun's load with
// --execution-segment (as k6-operator does), each pushing its metrics to a
// real Prometheus with remote write and native histograms
// (K6_FEATURES=native-histograms) and each writing NDJSON. Then
// `check --k6-prometheus --test-id` and `check --k6 runner-*.ndjson` must
// agree: request and error counts exactly, the p95 within its native-histogram
// bucket (schema 3: bounds ×1.0905 apart), and the verdicts wherever that
// resolution allows. Cases: healthy, injected errors, and a latency fault
// that puts the p95 next to the Excellent bound (100 ms) under --require
// excellent.

const RATE_PER_SECOND = 120;
const STEADY_SECONDS = 8;
const RUNNERS = 3;
const GROWTH = 2 ** (1 / 8);

let prometheus: PrometheusServer;
let k6: K6Binary;
let workDir: string;
let profilePath: string;
const runs = new Map<string, { fromPrometheus: ReportInput; fromNdjson: ReportInput }>();

function objective(report: ReportInput, id: string): ObjectiveResult {
  const found = report.verdict.objectives.find((entry) => entry.id === id);
  if (!found) throw new Error(`no objective ${id}`);
  return found;
}

/** Runs the capacity scenario of a generated TestRun as 3 segments pushing to Prometheus. */
async function distributedRun(testId: string, faults: string, steadySeconds = STEADY_SECONDS) {
  const targets: RunningTargets = await startTargets({ faults, rateLimit: false });
  try {
    const generated = await k8sTestRun({
      scenario: "capacity",
      target: targets.url,
      name: testId,
      parallelism: RUNNERS,
      profile: profilePath,
      testId,
      env: {
        RATE: String(RATE_PER_SECOND),
        DURATION_WARMUP: "2s",
        DURATION_STEADY: `${steadySeconds}s`,
        PRE_VUS: "30",
        MAX_VUS: "90",
      },
    });
    const spec = generated.testRun.spec as { runner: { env: { name: string; value: string }[] } };
    const data = (generated.configMap as { data: Record<string, string> }).data;
    const scriptPath = path.join(workDir, `${testId}.js`);
    writeFileSync(scriptPath, data["capacity.js"] ?? "");
    const rw = { remoteWriteUrl: prometheus.remoteWriteUrl, testId };
    const env = {
      ...Object.fromEntries(spec.runner.env.map((entry) => [entry.name, entry.value])),
      ...buildK6RemoteWriteEnv(rw),
    };
    return await runSegmentsLocally({
      k6,
      scriptPath,
      parallelism: RUNNERS,
      env,
      arguments: buildK6RemoteWriteArgs(rw),
      outDir: path.join(workDir, testId),
      testRunName: testId,
      timeoutMs: 120_000,
    });
  } finally {
    await targets.close();
  }
}

async function judgeBothWays(testId: string, faults: string, require?: "excellent") {
  const runners = await distributedRun(testId, faults);
  // k6's own thresholds may cross (exit 99) when errors are injected; its results are complete either way.
  for (const runner of runners) {
    expect(["OK", "THRESHOLDS_FAILED"], runner.dir).toContain(runner.result.exit.name);
  }
  const common = { profile: profilePath, ...(require ? { require } : {}) };
  const fromNdjson = await check({
    ...common,
    k6Paths: runners.map((runner) => runner.result.ndjsonPath),
  });
  const fromPrometheus = await check({
    ...common,
    k6Paths: [],
    k6Prometheus: { connection: { url: prometheus.url }, testId },
  });
  runs.set(testId, { fromPrometheus, fromNdjson });
  const line = (report: ReportInput) =>
    `${report.verdict.verdict} ${report.verdict.objectives
      .filter((o) => o.source === "k6")
      .map((o) => `${o.id}=${o.value?.toPrecision(4)}(${o.samples}) ${o.verdict}/${o.tier}`)
      .join(" ")}; findings ${report.verdict.findings.map((f) => f.code).join(", ")}`;
  console.log(
    `${testId}: NDJSON ${line(fromNdjson)}\n${testId}: Prometheus ${line(fromPrometheus)}`,
  );
  return { fromPrometheus, fromNdjson };
}

beforeAll(async () => {
  // A fresh machine gets Prometheus from Debian here; a missing one fails, never skips.
  ensurePrometheus({ install: true });
  prometheus = await startPrometheus({ scrapeTargets: [] });
  k6 = await ensureK6();
  workDir = mkdtempSync(path.join(tmpdir(), "slogate-k6prom-"));
  const original = readFileSync(path.join("thresholds", "profiles", "products-api.yaml"), "utf8");
  profilePath = path.join(workDir, "products-short.yaml");
  writeFileSync(profilePath, original.replace(/minWindowSeconds: \d+/, "minWindowSeconds: 5"));
}, 120_000);

afterAll(async () => {
  await prometheus?.close();
});

describe("check --k6-prometheus against the exact merge of the runners' NDJSON", () => {
  it.each([
    ["healthy", "latency=5-20ms,seed=1"],
    ["errors", "latency=5-20ms,error=0.03,seed=2"],
  ])(
    "%s: counts equal, p95 within its bucket, the same verdict",
    async (name, faults) => {
      const { fromPrometheus, fromNdjson } = await judgeBothWays(`agree-${name}`, faults);
      const [promErrors, ndjsonErrors] = [fromPrometheus, fromNdjson].map((r) =>
        objective(r, "error_rate"),
      );
      // Every request of the steady phase, summed over runners, exactly.
      expect(promErrors?.samples).toBe(ndjsonErrors?.samples);
      expect(promErrors?.samples).toBeGreaterThan(RATE_PER_SECOND * STEADY_SECONDS * 0.9);
      expect(Math.round((promErrors?.value ?? 0) * (promErrors?.samples ?? 0))).toBe(
        Math.round((ndjsonErrors?.value ?? 0) * (ndjsonErrors?.samples ?? 0)),
      );
      const promP95 = objective(fromPrometheus, "latency_p95");
      const exactP95 = objective(fromNdjson, "latency_p95").value ?? Number.NaN;
      expect(promP95.samples).toBe(objective(fromNdjson, "latency_p95").samples);
      // The exact p95 lies in the bucket Prometheus reports: (upper / 1.0905, upper].
      expect(exactP95).toBeLessThanOrEqual((promP95.value ?? 0) * 1.001);
      expect(exactP95).toBeGreaterThan(((promP95.value ?? 0) / GROWTH) * 0.999);
      expect(promP95.reason).toMatch(/native-histogram bucket, schema 3/);
      expect(fromPrometheus.verdict.verdict).toBe(fromNdjson.verdict.verdict);
      expect(objective(fromPrometheus, "error_rate").verdict).toBe(ndjsonErrors?.verdict);
      expect(fromPrometheus.verdict.findings.map((f) => f.code)).toContain(
        "K6_PROMETHEUS_RESOLUTION",
      );
      if (name === "errors") expect(fromNdjson.verdict.verdict).toBe("fail");
      else expect(fromNdjson.verdict.verdict).toBe("pass");
    },
    180_000,
  );

  it("a p95 next to a tier bound: the same verdict, or inconclusive when the bucket straddles the bound", async () => {
    const { fromPrometheus, fromNdjson } = await judgeBothWays(
      "agree-near-bound",
      "latency=88-102ms,seed=3",
      "excellent",
    );
    const exact = objective(fromNdjson, "latency_p95").value ?? Number.NaN;
    const upper = objective(fromPrometheus, "latency_p95").value ?? Number.NaN;
    const straddles = upper / GROWTH < 100 && upper >= 100;
    console.log(
      `near bound: exact p95 ${exact.toFixed(2)} ms, bucket (${(upper / GROWTH).toFixed(2)}, ${upper.toFixed(2)}] ms, straddles 100 ms: ${straddles}`,
    );
    expect(exact).toBeLessThanOrEqual(upper * 1.001);
    if (straddles) {
      expect(objective(fromPrometheus, "latency_p95").verdict).toBe("inconclusive");
      expect(objective(fromPrometheus, "latency_p95").reason).toMatch(/either side of < 100 ms/);
      expect(fromPrometheus.verdict.verdict).not.toBe("pass");
    } else {
      expect(objective(fromPrometheus, "latency_p95").verdict).toBe(
        objective(fromNdjson, "latency_p95").verdict,
      );
    }
  }, 180_000);
});

describe("check --k6-prometheus on bad input", () => {
  it("an unknown test id is inconclusive with the reason, never pass", async () => {
    const report = await check({
      profile: profilePath,
      k6Paths: [],
      k6Prometheus: { connection: { url: prometheus.url }, testId: "no-such-run" },
    });
    expect(report.verdict.verdict).toBe("inconclusive");
    expect(report.verdict.findings.map((f) => f.code)).toContain("K6_PROMETHEUS_NO_SERIES");
  });

  it("a --window range cannot be judged from pushed metrics: a clear error", async () => {
    await expect(
      check({
        profile: profilePath,
        k6Paths: [],
        window: { kind: "range", from: "-10m", to: "now" },
        k6Prometheus: { connection: { url: prometheus.url }, testId: "agree-healthy" },
      }),
    ).rejects.toThrow(/--window: a time range cannot be judged from --k6-prometheus/);
  });

  it("Prometheus down is an error: one line, exit 3", async () => {
    const port = await pickFreePort();
    const result = await runCli([
      "check",
      "--k6-prometheus",
      `http://127.0.0.1:${port}`,
      "--test-id",
      "agree-healthy",
      "--profile",
      profilePath,
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/Prometheus http:\/\/127\.0\.0\.1:\d+, testid=agree-healthy/);
  }, 60_000);

  it("the CLI judges a pushed run with --k6-prometheus and --test-id, exit code = verdict", async () => {
    expect(runs.has("agree-healthy"), "needs the healthy run above").toBe(true);
    const out = path.join(workDir, "cli-out");
    const result = await runCli([
      "check",
      "--k6-prometheus",
      prometheus.url,
      "--test-id",
      "agree-healthy",
      "--profile",
      profilePath,
      "--format",
      "json",
      "--out",
      out,
    ]);
    const verdict = JSON.parse(result.stdout) as { verdict: string };
    expect(verdict.verdict).toBe(runs.get("agree-healthy")?.fromNdjson.verdict.verdict);
    expect(result.code).toBe(0);
    // Every report is written; no evidence file, since pushed metrics have no time slices.
    expect(existsSync(path.join(out, "verdict.json"))).toBe(true);
    expect(existsSync(path.join(out, "evidence.json"))).toBe(false);
  }, 60_000);

  it("a run still in progress says so and does not pass", async () => {
    const testId = "agree-in-progress";
    const running = distributedRun(testId, "latency=5-20ms,seed=4", 14);
    // Past the warm-up and a few seconds into the steady phase, while the runners still push.
    await delay(9_000);
    const report = await check({
      profile: profilePath,
      k6Paths: [],
      k6Prometheus: { connection: { url: prometheus.url }, testId },
    });
    const runners = await running;
    for (const runner of runners) expect(runner.result.exit.name, runner.dir).toBe("OK");
    expect(report.verdict.findings.map((f) => f.code)).toContain("RUN_IN_PROGRESS");
    expect(report.verdict.verdict).not.toBe("pass");
  }, 180_000);
});
