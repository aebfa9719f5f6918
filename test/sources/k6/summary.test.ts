import { readFileSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateEvidence } from "../../../src/core/evaluate.js";
import type { SummaryEvidence } from "../../../src/core/evidence.js";
import { buildK6Thresholds } from "../../../src/core/k6-thresholds.js";
import { resolveProfile } from "../../../src/core/profile.js";
import { parseTierTable } from "../../../src/core/tiers.js";
import { readK6Evidence } from "../../../src/sources/k6/read-evidence.js";
import {
  PHASED_SCRIPT,
  runK6Fixture,
  startLoopbackServer,
  type K6Results,
} from "../../fixtures/k6-results.js";

const tiers = parseTierTable(
  `version: 1
rows:
  api_latency_p95: { unit: ms, direction: max, target: 500, good: 200, excellent: 100 }
  error_rate: { unit: ratio, direction: max, target: 0.01, good: 0.001, excellent: 0.0001 }
`,
  "tiers.yaml",
);

// One route per objective, so each maps onto one k6 sub-metric the summary keeps.
const profile = resolveProfile(
  {
    version: 1,
    name: "summary-test",
    requests: { names: ["/api/v1/users/:id"] },
    evaluation: { minWindowSeconds: 1, minTailSamples: 2, minRateEvents: 1 },
    objectives: [
      { id: "latency_p95" },
      { id: "error_rate" },
      // /orders always answers 500 in the fixture: k6 crosses this threshold.
      {
        id: "order_errors",
        metric: "http_req_failed",
        stat: "rate",
        unit: "ratio",
        tier: "error_rate",
        requests: { names: ["/orders"] },
      },
      {
        id: "completion_p99",
        metric: "order_completion_time",
        stat: "p(99)",
        unit: "ms",
        bounds: { target: 1000, good: 500, excellent: 200 },
      },
    ],
  },
  tiers,
  "summary-test.yaml",
);

// Two routes in one objective: the summary keeps one sub-metric per route, which slogate pools.
const pooledProfile = resolveProfile(
  {
    version: 1,
    name: "pooled",
    requests: { names: ["/api/v1/users/:id", "/api/v1/users"] },
    evaluation: { minWindowSeconds: 1, minTailSamples: 2, minRateEvents: 1 },
    objectives: [{ id: "latency_p95" }, { id: "error_rate" }],
  },
  tiers,
  "pooled.yaml",
);

interface Point {
  metric: string;
  type: string;
  data: { value: number; tags: Record<string, string> };
}

/** Steady points of one metric for the given routes, straight from the NDJSON with JSON.parse. */
function steadyPoints(ndjsonPath: string, metric: string, names: string[]): Point[] {
  return readFileSync(ndjsonPath, "utf8")
    .split("\n")
    .filter((line) => line.includes(`"${metric}","type":"Point"`))
    .map((line) => JSON.parse(line) as Point)
    .filter((p) => p.data.tags.phase === "steady" && names.includes(p.data.tags.name ?? ""));
}

/** The steady, expected durations of the routes, sorted. */
function steadyUserDurations(ndjsonPath: string, names = ["/api/v1/users/:id"]): number[] {
  return steadyPoints(ndjsonPath, "http_req_duration", names)
    .filter((p) => p.data.tags.expected_response === "true")
    .map((p) => p.data.value)
    .sort((a, b) => a - b);
}

/** k6's percentile: linear interpolation between the closest ranks of the sorted samples. */
function k6Percentile(sorted: number[], percent: number): number {
  const rank = (percent / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const lowValue = sorted[low] ?? Number.NaN;
  const highValue = sorted[Math.min(low + 1, sorted.length - 1)] ?? lowValue;
  return lowValue + (highValue - lowValue) * (rank - low);
}

describe("k6 summaries written by the real k6", () => {
  let legacy: K6Results;
  let modern: K6Results;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const server = await startLoopbackServer();
    close = server.close;
    // Both profiles' thresholds (their shared selectors carry the same expressions).
    const thresholds = { ...buildK6Thresholds(profile), ...buildK6Thresholds(pooledProfile) };
    const env = {
      BASE_URL: server.url,
      RATE: "40",
      STEADY: "3s",
      SLOGATE_THRESHOLDS: JSON.stringify(thresholds),
    };
    legacy = await runK6Fixture(PHASED_SCRIPT, env);
    modern = await runK6Fixture(PHASED_SCRIPT, env, ["--new-machine-readable-summary"]);
  });
  afterAll(async () => {
    await close();
    for (const results of [legacy, modern]) rmSync(results.dir, { recursive: true, force: true });
  });

  it("accepts the profile's thresholds and reports the crossed one (exit 99)", () => {
    expect(legacy.run.exit.code).toBe(99);
    expect(modern.run.exit.code).toBe(99);
  });

  it.each([
    { name: "--summary-export (legacy)", pick: () => legacy.summaryPath, format: "summary-export" },
    {
      name: "handleSummary() data",
      pick: () => legacy.handleSummaryPath,
      format: "handle-summary",
    },
    {
      name: "--new-machine-readable-summary",
      pick: () => modern.summaryPath,
      format: "machine-readable",
    },
    {
      name: "handleSummary() data, new shape",
      pick: () => modern.handleSummaryPath,
      format: "machine-readable",
    },
  ])("detects $name by content", async ({ pick, format }) => {
    const evidence = await readK6Evidence([pick()]);
    expect(evidence.kind).toBe("summary");
    expect((evidence as SummaryEvidence).format).toBe(format);
  });

  it.each([
    { name: "legacy export (true means crossed)", pick: () => legacy.summaryPath },
    { name: "handleSummary (ok flags)", pick: () => legacy.handleSummaryPath },
  ])("reads threshold results from the $name", async ({ pick }) => {
    const evidence = (await readK6Evidence([pick()])) as SummaryEvidence;
    const result = (key: string, expression: string) =>
      evidence.thresholds?.find((t) => t.key === key && t.expression === expression)?.passed;
    expect(result("http_req_failed{name:/orders,phase:steady}", "rate<0.01")).toBe(false);
    expect(
      result(
        "http_req_duration{expected_response:true,name:/api/v1/users/:id,phase:steady}",
        "p(95)<500",
      ),
    ).toBe(true);
  });

  it.each([
    { name: "legacy export", pick: () => legacy, file: (r: K6Results) => r.summaryPath },
    { name: "handleSummary", pick: () => legacy, file: (r: K6Results) => r.handleSummaryPath },
    { name: "machine-readable", pick: () => modern, file: (r: K6Results) => r.summaryPath },
  ])("the $name agrees with the NDJSON of the same run", async ({ pick, file }) => {
    const results = pick();
    const sorted = steadyUserDurations(results.ndjsonPath);
    const report = evaluateEvidence({ profile, evidence: await readK6Evidence([file(results)]) });
    expect(report.verdict.window.kind).toBe("steady");
    const latency = report.verdict.objectives.find((o) => o.id === "latency_p95");
    // Same samples: k6's count and k6's own interpolated p(95).
    expect(latency?.samples).toBe(sorted.length);
    expect(latency?.value).toBeCloseTo(k6Percentile(sorted, 95), 6);
    const orders = report.verdict.objectives.find((o) => o.id === "order_errors");
    expect([orders?.value, orders?.verdict]).toEqual([1, "fail"]);
    // k6's default summary stats stop at p(95): a p(99) objective is inconclusive, never guessed.
    const completion = report.verdict.objectives.find((o) => o.id === "completion_p99");
    expect(completion?.verdict).toBe("inconclusive");
    expect(completion?.reason).toContain("no p(99)");
  });

  it("pools routes from a summary: rates exactly, a percentile as the range its routes bound", async () => {
    const names = ["/api/v1/users/:id", "/api/v1/users"];
    const report = evaluateEvidence({
      profile: pooledProfile,
      evidence: await readK6Evidence([legacy.summaryPath]),
    });
    const failed = steadyPoints(legacy.ndjsonPath, "http_req_failed", names);
    const errors = report.verdict.objectives.find((o) => o.id === "error_rate");
    expect(errors?.samples).toBe(failed.length);
    expect(errors?.value).toBe(failed.filter((p) => p.data.value === 1).length / failed.length);
    // Pooled p95 from the raw samples lies within the per-route range slogate reports.
    const latency = report.verdict.objectives.find((o) => o.id === "latency_p95");
    const pooled = k6Percentile(steadyUserDurations(legacy.ndjsonPath, names), 95);
    const perRoute = names.map((name) =>
      k6Percentile(steadyUserDurations(legacy.ndjsonPath, [name]), 95),
    );
    expect(latency?.value).toBeCloseTo(Math.max(...perRoute), 6);
    expect(pooled).toBeLessThanOrEqual(latency?.value ?? 0);
    expect(pooled).toBeGreaterThanOrEqual(Math.min(...perRoute));
    // Both routes are far below 100 ms on loopback: excellent even at worst.
    expect([latency?.verdict, latency?.tier]).toEqual(["pass", "excellent"]);
  });

  it("leaves k6's threshold result to the exit code when the summary has none (machine-readable)", async () => {
    const evidence = await readK6Evidence([modern.summaryPath]);
    const unknown = evaluateEvidence({ profile, evidence });
    expect(unknown.verdict.k6.thresholdsPassed).toBeNull();
    const known = evaluateEvidence({ profile, evidence, k6: { exitCode: 99, exitEvidence: true } });
    expect(known.verdict.k6.thresholdsPassed).toBe(false);
    expect(known.verdict.k6.version).toMatch(/^v2\./);
  });

  it("refuses to merge a summary with other files", async () => {
    await expect(readK6Evidence([legacy.summaryPath, legacy.ndjsonPath])).rejects.toThrow(
      /summary\.json: a k6 summary cannot be merged with other files/,
    );
  });
});
