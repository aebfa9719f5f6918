import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, parseWindowOption, type CheckOptions } from "../../src/commands/check.js";
import type { Finding } from "../../src/core/types.js";
import { ConfigError, InputError } from "../../src/errors.js";
import type {
  CollectorInput,
  CollectorResult,
  PrometheusCollector,
} from "../../src/sources/prometheus/collector.js";
import {
  PHASED_SCRIPT,
  runK6Fixture,
  startLoopbackServer,
  type K6Results,
} from "../fixtures/k6-results.js";

// A CI-sized profile: the fixture's steady phase holds ~120 iterations, so the
// sample rules are relaxed (p95 needs 40 samples, < 1% needs 100 requests).
const CI_PROFILE = `version: 1
name: ci
requests: { names: [/api/v1/users/:id] }
evaluation: { window: steady, minWindowSeconds: 1, minTailSamples: 2, minRateEvents: 1, minOfferedRatio: 0.5 }
objectives:
  - id: latency_p95
  - id: error_rate
  - id: throughput
    mandatory: false
`;

// /api/v1/users waits 30 ms in the fixture: a 20 ms target cannot be met.
const STRICT_PROFILE = CI_PROFILE.replace("name: ci", "name: strict").replace(
  "  - id: latency_p95\n",
  "  - id: latency_p95\n  - id: slow_route\n    metric: http_req_duration\n    stat: p(50)\n    unit: ms\n    bounds: { target: 20, good: 10, excellent: 5 }\n    requests: { names: [/api/v1/users] }\n",
);

describe("check", () => {
  let results: K6Results;
  let close: () => Promise<void>;
  let thresholdsDir: string;

  beforeAll(async () => {
    thresholdsDir = mkdtempSync(path.join(tmpdir(), "slogate-check-"));
    mkdirSync(path.join(thresholdsDir, "profiles"));
    copyFileSync(
      new URL("../../thresholds/tiers.yaml", import.meta.url),
      path.join(thresholdsDir, "tiers.yaml"),
    );
    writeFileSync(path.join(thresholdsDir, "profiles", "ci.yaml"), CI_PROFILE);
    writeFileSync(path.join(thresholdsDir, "profiles", "strict.yaml"), STRICT_PROFILE);
    writeFileSync(
      path.join(thresholdsDir, "profiles", "iterations.yaml"),
      CI_PROFILE.replace("name: ci", "name: iterations").replace(
        "  - id: latency_p95\n",
        "  - id: latency_p95\n  - id: iteration_p50\n    metric: iteration_duration\n    stat: p(50)\n    unit: ms\n    bounds: { target: 1000, good: 500, excellent: 200 }\n",
      ),
    );
    const server = await startLoopbackServer();
    close = server.close;
    results = await runK6Fixture(PHASED_SCRIPT, { BASE_URL: server.url, RATE: "40", STEADY: "3s" });
  });
  afterAll(async () => {
    await close();
    rmSync(results.dir, { recursive: true, force: true });
    rmSync(thresholdsDir, { recursive: true, force: true });
  });

  const run = (options: Partial<CheckOptions>) =>
    check({ k6Paths: [results.ndjsonPath], profile: "ci", thresholdsDir, ...options });

  it("passes a healthy run and returns the report input, printing nothing", async () => {
    const report = await run({ k6ExitCode: results.run.exit.code, k6Version: "v2.2.0" });
    // The reasons and findings explain any other outcome (a starved CI box can drop iterations).
    const why = JSON.stringify([
      report.verdict.objectives.map((o) => o.reason),
      report.verdict.findings,
    ]);
    expect(report.verdict.verdict, why).toBe("pass");
    expect(report.verdict.profile).toBe("ci");
    expect(report.verdict.window.kind).toBe("steady");
    expect(report.verdict.window.seconds).toBeGreaterThan(2);
    expect(report.verdict.k6).toEqual({ version: "v2.2.0", exitCode: 0, thresholdsPassed: true });
    expect(report.routes.map((r) => r.name).sort()).toEqual([
      "/api/v1/users",
      "/api/v1/users/:id",
      "/orders",
    ]);
    expect(report.timeline.length).toBeGreaterThan(3);
    // Every /orders request answers 500; the routes table shows it.
    const orders = report.routes.find((r) => r.name === "/orders");
    expect(orders?.failed).toBe(orders?.requests);
  });

  it("fails a run whose objective is breached", async () => {
    const report = await run({ profile: "strict" });
    expect(report.verdict.verdict).toBe("fail");
    const slow = report.verdict.objectives.find((o) => o.id === "slow_route");
    expect(slow?.verdict).toBe("fail");
    expect(slow?.value).toBeGreaterThanOrEqual(30);
  });

  it("reads a built-in metric the reader normally skips when an objective needs it", async () => {
    const report = await run({ profile: "iterations" });
    const iteration = report.verdict.objectives.find((o) => o.id === "iteration_p50");
    // Each iteration waits for /slow (30 ms) at least.
    expect(iteration?.value).toBeGreaterThanOrEqual(30);
    expect(iteration?.samples).toBeGreaterThan(50);
  });

  it.each([
    { name: "gzip", files: (r: K6Results) => [gzipped(r.ndjsonPath)] },
    { name: "split into two files", files: (r: K6Results) => split(r.ndjsonPath) },
  ])("gives the same verdict and counts for $name", async ({ files }) => {
    const plain = await run({});
    const other = await run({ k6Paths: files(results) });
    expect(other.verdict.objectives.map((o) => [o.id, o.samples, o.value])).toEqual(
      plain.verdict.objectives.map((o) => [o.id, o.samples, o.value]),
    );
    expect(other.verdict.verdict).toBe(plain.verdict.verdict);
  });

  it("judges the whole run with window all, and an explicit range", async () => {
    const all = await run({ window: { kind: "all" } });
    expect(all.verdict.window.kind).toBe("all");
    const steady = await run({});
    const range = await run({
      window: { kind: "range", from: steady.verdict.window.from, to: steady.verdict.window.to },
    });
    expect(range.verdict.window.kind).toBe("range");
    // The steady extent as a range holds the steady requests plus ramp requests overlapping its edges.
    const samples = (report: typeof steady) =>
      report.verdict.objectives.find((o) => o.id === "error_rate")?.samples ?? 0;
    expect(samples(range)).toBeGreaterThanOrEqual(samples(steady) - 1);
    expect(samples(range)).toBeLessThan(samples(all));
    expect(samples(all)).toBeGreaterThan(samples(steady));
  });

  it("judges the summary export of the same run", async () => {
    const report = await run({ k6Paths: [results.summaryPath] });
    // Without slogate's steady-scoped thresholds the summary only has whole-run aggregates.
    expect(report.verdict.window.kind).toBe("all");
    expect(report.verdict.findings.map((f) => f.code)).toContain("SUMMARY_WHOLE_RUN");
    expect(report.routes).toEqual([]);
  });

  // A collector standing in for Prometheus: it records what check() asked and
  // answers with fixed figures, so what check() does with them is visible.
  const SERVER_FINDING: Finding = { severity: "warning", code: "SERVER_COUNT_LOW", message: "x" };
  function recordingCollector(): { asked: CollectorInput[]; collector: PrometheusCollector } {
    const asked: CollectorInput[] = [];
    const answer: CollectorResult = {
      measurements: [],
      findings: [SERVER_FINDING],
      server: { requests: 1, errorRatio: 0, p95Ms: 5, requestsPerSecond: 1, p95BucketMs: null },
      timing: { scrapeWaitMs: 0, queriesMs: 1, totalMs: 1, queryCount: 1 },
    };
    return {
      asked,
      collector: (input) => {
        asked.push(input);
        return Promise.resolve(answer);
      },
    };
  }

  it("asks the collector about the window it judges, with k6's figures, and judges once", async () => {
    const plain = await run({});
    const { asked, collector } = recordingCollector();
    const report = await run({ prometheus: collector });
    const k6 = (id: string) => plain.verdict.objectives.find((o) => o.id === id);
    expect(asked).toEqual([
      {
        fromMs: Date.parse(plain.verdict.window.from),
        toMs: Date.parse(plain.verdict.window.to),
        client: { requests: k6("error_rate")?.samples, p95Ms: k6("latency_p95")?.value },
      },
    ]);
    expect(report.verdict.window).toEqual(plain.verdict.window);
    expect(report.verdict.findings).toEqual([...plain.verdict.findings, SERVER_FINDING]);
    expect(report.verdict.prometheus?.server.requests).toBe(1);
    expect(report.verdict.prometheus?.mismatch).toEqual({
      policy: "finding",
      codes: ["SERVER_COUNT_LOW"],
    });
  });

  it("does not ask about a summary without timestamps, and says so in the verdict", async () => {
    const { asked, collector } = recordingCollector();
    const report = await run({ k6Paths: [results.summaryPath], prometheus: collector });
    expect(asked).toEqual([]);
    expect(report.verdict.findings.at(-1)?.code).toBe("PROMETHEUS_NO_WINDOW");
    expect(report.verdict.prometheus).toBeUndefined();
  });

  it("judges an interrupted run as such and names the run", async () => {
    const runIdentity = { id: "r1", scenario: "smoke", target: "http://127.0.0.1:1" };
    const plain = await run({ k6ExitCode: results.run.exit.code });
    const report = await run({
      k6ExitCode: results.run.exit.code,
      interruptedBy: "SIGINT",
      run: runIdentity,
    });
    expect(report.verdict.run).toEqual(runIdentity);
    expect(report.verdict.findings).toEqual([
      ...plain.verdict.findings,
      {
        severity: "warning",
        code: "RUN_INTERRUPTED",
        message: "the run was interrupted by SIGINT; only the part that ran was judged",
      },
    ]);
    expect(report.verdict.verdict).toBe(
      plain.verdict.verdict === "pass" ? "inconclusive" : plain.verdict.verdict,
    );
  });

  it.each([
    {
      name: "a missing file",
      options: { k6Paths: ["/nonexistent/k6.ndjson"] },
      type: InputError,
      message: "/nonexistent/k6.ndjson: no such file",
    },
    {
      name: "an unknown profile",
      options: { profile: "nope" },
      type: ConfigError,
      message: 'no profile "nope"',
    },
    {
      name: "a range that ends before it starts",
      options: {
        window: {
          kind: "range" as const,
          from: "2026-01-02T00:00:00Z",
          to: "2026-01-01T00:00:00Z",
        },
      },
      type: ConfigError,
      message: "--window: the range must end after it starts",
    },
  ])("reports $name as one line", async ({ options, type, message }) => {
    const error = await run(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("\n");
  });
});

describe("parseWindowOption", () => {
  it.each([
    { text: "steady", window: { kind: "steady" } },
    { text: "all", window: { kind: "all" } },
    {
      text: "1767225600000..1767225660000",
      window: { kind: "range", from: "1767225600000", to: "1767225660000" },
    },
    {
      text: "2026-01-01T00:00:00Z..now",
      window: { kind: "range", from: "2026-01-01T00:00:00Z", to: "now" },
    },
  ])("reads $text", ({ text, window }) => {
    expect(parseWindowOption(text)).toEqual(window);
  });

  it("refuses anything else, naming what is allowed", () => {
    expect(() => parseWindowOption("ramp")).toThrow(
      /--window: "ramp" is not a window; allowed: steady, all, or <from>\.\.<to>/,
    );
  });
});

function gzipped(file: string): string {
  const target = `${file}.gz`;
  writeFileSync(target, gzipSync(readFileSync(file)));
  return target;
}

/** Splits the NDJSON like two runners would write it: each file repeats the Metric lines it needs. */
function split(file: string): string[] {
  const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
  const metricLines = lines.filter((line) => line.startsWith('{"type":"Metric"'));
  const points = lines.filter((line) => !line.startsWith('{"type":"Metric"'));
  const half = Math.floor(points.length / 2);
  return [points.slice(0, half), points.slice(half)].map((part, index) => {
    const target = `${file}.part${index}`;
    writeFileSync(target, `${[...metricLines, ...part].join("\n")}\n`);
    return target;
  });
}
