import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { VerdictComparison } from "../../src/core/comparison-block.js";
import { resolveMargin } from "../../src/core/compare-runs.js";
import { resolveProfile } from "../../src/core/profile.js";
import { parseTierTable } from "../../src/core/tiers.js";
import type { ObjectiveResult, Outcome } from "../../src/core/types.js";
import { buildVerdict } from "../../src/core/verdict.js";
import { ConfigError } from "../../src/errors.js";

// The second gate: how a comparison with a baseline combines with the tiers'
// outcome in the one verdict engine, and where its margins come from.

function objective(verdict: Outcome): ObjectiveResult {
  return {
    id: "latency_p95",
    source: "k6",
    value: 3,
    unit: "ms",
    samples: 900,
    tier: verdict === "pass" ? "excellent" : verdict === "fail" ? "none" : null,
    verdict,
    reason: verdict,
    mandatory: true,
    bounds: { direction: "max", target: 500, good: 200, excellent: 100 },
  };
}

function comparison(
  verdict: VerdictComparison["verdict"],
  advisory = false,
  mandatory = true,
): VerdictComparison {
  return {
    verdict,
    advisory,
    baseline: {
      source: "reports/main/evidence.json",
      read: "evidence",
      files: ["reports/main/evidence.json"],
      metadata: {
        version: 1,
        createdAt: "2026-01-01T11:00:00.000Z",
        window: { kind: "steady", from: "", to: "", seconds: 60 },
        sliceMs: 2000,
        profile: { name: "users-api", objectivesHash: "sha256:x", objectives: [] },
        scenario: "load",
        k6Version: "v2.2.0",
        load: {
          offeredRatePerSecond: 80,
          achievedRequestRatePerSecond: 160,
          achievedIterationRatePerSecond: 80,
        },
        ci: null,
        sliceCount: 30,
        requests: 9600,
      },
    },
    objectives: [
      {
        id: "latency_p95",
        source: "k6",
        mandatory,
        subject: "p(95) of http_req_duration",
        baseline: 2,
        candidate: verdict === "regressed" ? 30 : 2.1,
        effect: verdict === "regressed" ? 15 : 1.05,
        scale: "ratio",
        interval: verdict === "regressed" ? [12, 18] : [0.8, 1.3],
        confidence: 0.95,
        margin: { kind: "ratio", worse: "higher", ratio: 1.1 },
        verdict,
        reason: verdict,
        method: "block bootstrap",
      },
    ],
    skipped: [],
    notes: [],
  };
}

function judge(tiers: Outcome, compared?: VerdictComparison) {
  return buildVerdict({
    profile: "users-api",
    requiredTier: "target",
    window: { kind: "steady", fromMs: 0, toMs: 60_000, seconds: 60 },
    k6: {
      kind: "evidence",
      version: "v2.2.0",
      exitCode: 0,
      thresholdsPassed: null,
      crossedThresholds: [],
      complete: true,
    },
    objectives: [objective(tiers)],
    findings: [],
    ...(compared ? { comparison: compared } : {}),
  });
}

describe("the baseline gate in buildVerdict", () => {
  it.each<{
    tiers: Outcome;
    compared: VerdictComparison["verdict"];
    advisory: boolean;
    expected: Outcome;
  }>([
    { tiers: "pass", compared: "regressed", advisory: false, expected: "fail" },
    { tiers: "pass", compared: "regressed", advisory: true, expected: "fail" },
    { tiers: "inconclusive", compared: "regressed", advisory: false, expected: "fail" },
    { tiers: "pass", compared: "inconclusive", advisory: false, expected: "inconclusive" },
    { tiers: "pass", compared: "inconclusive", advisory: true, expected: "pass" },
    { tiers: "pass", compared: "unchanged", advisory: false, expected: "pass" },
    { tiers: "pass", compared: "improved", advisory: false, expected: "pass" },
    { tiers: "fail", compared: "improved", advisory: false, expected: "fail" },
    { tiers: "fail", compared: "inconclusive", advisory: false, expected: "fail" },
    { tiers: "error", compared: "regressed", advisory: false, expected: "error" },
  ])(
    "tiers $tiers, comparison $compared (advisory $advisory) → $expected",
    ({ tiers, compared, advisory, expected }) => {
      const verdict = judge(tiers, comparison(compared, advisory));
      expect(verdict.verdict).toBe(expected);
      expect(verdict.comparison?.verdict).toBe(compared);
    },
  );

  it("keeps the tier the objectives reached: a regression fails the run, not its tier", () => {
    const verdict = judge("pass", comparison("regressed"));
    expect(verdict.achievedTier).toBe("excellent");
    expect(verdict.findings).toEqual([
      {
        severity: "warning",
        code: "BASELINE_REGRESSED",
        message: "worse than the baseline beyond the margin: latency_p95",
      },
    ]);
  });

  it("says an inconclusive comparison held a pass back, and that advisory lets it stand", () => {
    expect(judge("pass", comparison("inconclusive")).findings[0]?.message).toMatch(
      /cannot decide latency_p95; a pass needs a decided comparison/,
    );
    const advisory = judge("pass", comparison("inconclusive", true)).findings[0];
    expect(advisory?.severity).toBe("info");
    expect(advisory?.message).not.toMatch(/a pass needs/);
  });

  it("without a baseline the verdict has no comparison block", () => {
    expect(judge("pass")).not.toHaveProperty("comparison");
  });
});

const TIERS = parseTierTable(
  readFileSync(new URL("../../thresholds/tiers.yaml", import.meta.url), "utf8"),
  "tiers.yaml",
);

function profileWith(regression: unknown) {
  return resolveProfile(
    {
      version: 1,
      name: "shop",
      objectives: [
        { id: "latency_p95" },
        {
          id: "latency_p99",
          metric: "http_req_duration",
          stat: "p(99)",
          unit: "ms",
          bounds: { direction: "max", target: 900, good: 600, excellent: 300 },
        },
        { id: "error_rate" },
        { id: "throughput" },
      ],
      ...(regression === undefined ? {} : { regression }),
    },
    TIERS,
    "slo.yaml",
  );
}

describe("regression margins", () => {
  it("are the documented defaults without a regression: section", () => {
    const profile = profileWith(undefined);
    expect(resolveMargin("latency", "latency_p95", profile)).toEqual({
      kind: "ratio",
      worse: "higher",
      ratio: 1.1,
    });
    expect(resolveMargin("error_rate", "error_rate", profile)).toEqual({
      kind: "difference",
      worse: "higher",
      difference: 0.001,
    });
    expect(resolveMargin("throughput", "throughput", profile)).toEqual({
      kind: "ratio",
      worse: "lower",
      ratio: 0.9,
    });
  });

  it("come from the profile per kind, then per objective, and a flag of the kind wins over both", () => {
    const profile = profileWith({
      latency: 0.2,
      errorRate: 0.005,
      throughput: 0.05,
      objectives: { latency_p99: 0.5 },
    });
    expect(resolveMargin("latency", "latency_p95", profile)).toMatchObject({ ratio: 1.2 });
    expect(resolveMargin("latency", "latency_p99", profile)).toMatchObject({ ratio: 1.5 });
    expect(resolveMargin("error_rate", "error_rate", profile)).toMatchObject({ difference: 0.005 });
    expect(resolveMargin("throughput", "throughput", profile)).toMatchObject({ ratio: 0.95 });
    expect(resolveMargin("latency", "latency_p99", profile, { latencyRatio: 1.03 })).toMatchObject({
      ratio: 1.03,
    });
    expect(
      resolveMargin("error_rate", "error_rate", profile, { latencyRatio: 1.03 }),
    ).toMatchObject({ difference: 0.005 });
  });

  it.each([
    [
      { objectives: { latency_p90: 0.1 } },
      /slo\.yaml: regression\.objectives\.latency_p90: no objective "latency_p90" in this profile; use one of latency_p95, latency_p99, error_rate, throughput/,
    ],
    [{ latency: 10 }, /slo\.yaml: regression\.latency: .*fraction below 1/],
    [{ errorRate: 0 }, /slo\.yaml: regression\.errorRate: .*positive fraction/],
    [{ latencyy: 0.1 }, /slo\.yaml: regression.*latencyy/],
  ])("reject %j in one line naming the field", (regression, message) => {
    let caught: unknown;
    try {
      profileWith(regression);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message.split("\n")).toHaveLength(1);
  });
});
