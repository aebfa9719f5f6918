import { describe, expect, it } from "vitest";
import { buildErrorVerdict } from "../../src/core/error-verdict.js";
import { resolveProfile } from "../../src/core/profile.js";
import { parseTierTable } from "../../src/core/tiers.js";
import type { Finding, ObjectiveResult, Outcome, Tier } from "../../src/core/types.js";
import {
  buildVerdict,
  combineOutcome,
  combineTier,
  type BuildVerdictOptions,
  type K6Part,
} from "../../src/core/verdict.js";

function objective(
  id: string,
  verdict: Outcome,
  tier: Tier | null,
  mandatory = true,
): ObjectiveResult {
  return {
    id,
    source: "k6",
    value: 1,
    unit: "ms",
    samples: 100,
    tier,
    verdict,
    reason: `${id} ${verdict}`,
    mandatory,
    bounds: { direction: "max", target: 500, good: 200, excellent: 100 },
  };
}

const passGood = objective("latency_p95", "pass", "good");
const passExcellent = objective("error_rate", "pass", "excellent");
const failNone = objective("latency_p95", "fail", "none");
const errorNull = objective("db_latency_p95", "error", null);
const inconclusiveNull = objective("error_rate", "inconclusive", null);

describe("combineOutcome", () => {
  it.each<{ name: string; objectives: ObjectiveResult[]; k6Broken: boolean; expected: Outcome }>([
    {
      name: "every mandatory objective passes",
      objectives: [passGood, passExcellent],
      k6Broken: false,
      expected: "pass",
    },
    {
      name: "one fail fails the run",
      objectives: [passGood, failNone],
      k6Broken: false,
      expected: "fail",
    },
    {
      name: "a fail outranks an error",
      objectives: [errorNull, failNone],
      k6Broken: false,
      expected: "fail",
    },
    {
      name: "an error outranks inconclusive",
      objectives: [inconclusiveNull, errorNull],
      k6Broken: false,
      expected: "error",
    },
    {
      name: "inconclusive outranks pass",
      objectives: [passGood, inconclusiveNull],
      k6Broken: false,
      expected: "inconclusive",
    },
    {
      name: "an informational fail does not decide",
      objectives: [passGood, objective("throughput", "fail", "none", false)],
      k6Broken: false,
      expected: "pass",
    },
    {
      name: "a k6 exit with incomplete results is an error, even over a fail",
      objectives: [failNone],
      k6Broken: true,
      expected: "error",
    },
    {
      name: "a k6 exit with incomplete results is an error over passes",
      objectives: [passGood],
      k6Broken: true,
      expected: "error",
    },
  ])("$name", ({ objectives, k6Broken, expected }) => {
    expect(combineOutcome(objectives, k6Broken)).toBe(expected);
  });
});

describe("combineTier", () => {
  it.each<{ name: string; objectives: ObjectiveResult[]; expected: Tier | null }>([
    { name: "the lowest mandatory tier", objectives: [passExcellent, passGood], expected: "good" },
    { name: "a breach is none", objectives: [passGood, failNone], expected: "none" },
    {
      name: "a mandatory objective without a tier leaves the run without one",
      objectives: [passGood, inconclusiveNull],
      expected: null,
    },
    {
      name: "informational objectives do not lower it",
      objectives: [passExcellent, objective("throughput", "fail", "none", false)],
      expected: "excellent",
    },
    {
      name: "an informational objective without a tier does not clear it",
      objectives: [passGood, objective("cpu", "inconclusive", null, false)],
      expected: "good",
    },
  ])("$name", ({ objectives, expected }) => {
    expect(combineTier(objectives)).toBe(expected);
  });
});

const WINDOW = {
  kind: "steady" as const,
  fromMs: Date.UTC(2026, 0, 1, 12, 0, 0),
  toMs: Date.UTC(2026, 0, 1, 12, 1, 0),
  seconds: 60,
};
const K6_PASSED: K6Part = {
  kind: "evidence",
  version: "v2.2.0",
  exitCode: 0,
  thresholdsPassed: true,
  crossedThresholds: [],
  complete: true,
};

function finding(code: string): Finding {
  return { severity: "warning", code, message: code };
}

function build(objectives: ObjectiveResult[], extra: Partial<BuildVerdictOptions> = {}) {
  return buildVerdict({
    profile: "users-api",
    requiredTier: "target",
    window: WINDOW,
    k6: K6_PASSED,
    objectives,
    findings: [finding("EVALUATION")],
    ...extra,
  });
}

describe("buildVerdict", () => {
  it("assembles the contract: outcome, tiers, window as ISO, k6, objectives, findings", () => {
    expect(build([passGood, passExcellent])).toEqual({
      schemaVersion: 1,
      verdict: "pass",
      requiredTier: "target",
      achievedTier: "good",
      profile: "users-api",
      window: {
        from: "2026-01-01T12:00:00.000Z",
        to: "2026-01-01T12:01:00.000Z",
        kind: "steady",
        seconds: 60,
      },
      k6: { version: "v2.2.0", exitCode: 0, thresholdsPassed: true },
      objectives: [passGood, passExcellent],
      findings: [finding("EVALUATION")],
    });
  });

  it("states a window without timestamps as empty strings and 0 s (a summary's steady phase)", () => {
    const verdict = build([passGood], {
      window: { kind: "steady", fromMs: null, toMs: null, seconds: null },
    });
    expect(verdict.window).toEqual({ from: "", to: "", kind: "steady", seconds: 0 });
  });

  it.each<{
    name: string;
    k6: K6Part;
    objectives: ObjectiveResult[];
    verdict: Outcome;
    tier: Tier | null;
    k6Out: object;
  }>([
    {
      name: "no k6 (serve): k6 fields are null, objectives decide",
      k6: { kind: "none" },
      objectives: [passGood],
      verdict: "pass",
      tier: "good",
      k6Out: { version: null, exitCode: null, thresholdsPassed: null },
    },
    {
      name: "k6 left incomplete results: error, tier still from the objectives",
      k6: { ...K6_PASSED, exitCode: 108, thresholdsPassed: null, complete: false },
      objectives: [passGood],
      verdict: "error",
      tier: "good",
      k6Out: { version: "v2.2.0", exitCode: 108, thresholdsPassed: null },
    },
    {
      name: "k6 left no evidence: error and no tier",
      k6: { kind: "no-evidence", version: "v2.2.0", exitCode: 107 },
      objectives: [errorNull],
      verdict: "error",
      tier: null,
      k6Out: { version: "v2.2.0", exitCode: 107, thresholdsPassed: null },
    },
  ])("$name", ({ k6, objectives, verdict, tier, k6Out }) => {
    const built = build(objectives, { k6 });
    expect(built.verdict).toBe(verdict);
    expect(built.achievedTier).toBe(tier);
    expect(built.k6).toEqual(k6Out);
  });

  it.each<{
    name: string;
    k6: K6Part;
    objectives: ObjectiveResult[];
    severity: Finding["severity"] | null;
    quotes?: string;
  }>([
    {
      name: "k6 crossed thresholds but the SLO passed: a warning quoting them",
      k6: {
        ...K6_PASSED,
        exitCode: 99,
        thresholdsPassed: false,
        crossedThresholds: ["http_req_duration: p(95)<500"],
      },
      objectives: [passGood],
      severity: "warning",
      quotes: "(http_req_duration: p(95)<500)",
    },
    {
      name: "k6 passed its thresholds but the SLO failed: info",
      k6: K6_PASSED,
      objectives: [failNone],
      severity: "info",
    },
    { name: "both passed: nothing", k6: K6_PASSED, objectives: [passGood], severity: null },
    {
      name: "k6 crossed thresholds and the SLO failed: nothing",
      k6: { ...K6_PASSED, exitCode: 99, thresholdsPassed: false },
      objectives: [failNone],
      severity: null,
    },
    { name: "no k6: nothing", k6: { kind: "none" }, objectives: [failNone], severity: null },
  ])("k6's thresholds against the outcome: $name", ({ k6, objectives, severity, quotes }) => {
    const found = build(objectives, { k6 }).findings.filter(
      (f) => f.code === "K6_THRESHOLDS_DISAGREE",
    );
    if (severity === null) {
      expect(found).toEqual([]);
      return;
    }
    expect(found.map((f) => f.severity)).toEqual([severity]);
    if (quotes) expect(found[0]?.message).toContain(quotes);
  });

  it.each<{
    name: string;
    objectives: ObjectiveResult[];
    k6: K6Part;
    verdict: Outcome;
    tier: Tier | null;
  }>([
    {
      name: "a pass becomes inconclusive",
      objectives: [passGood],
      k6: K6_PASSED,
      verdict: "inconclusive",
      tier: "good",
    },
    {
      name: "a fail stays a fail",
      objectives: [failNone],
      k6: K6_PASSED,
      verdict: "fail",
      tier: "none",
    },
    {
      name: "an inconclusive stays inconclusive",
      objectives: [inconclusiveNull],
      k6: K6_PASSED,
      verdict: "inconclusive",
      tier: null,
    },
    {
      name: "an error stays an error",
      objectives: [passGood],
      k6: { ...K6_PASSED, complete: false },
      verdict: "error",
      tier: "good",
    },
  ])(
    "an interrupted run: $name, with a warning saying by what",
    ({ objectives, k6, verdict, tier }) => {
      const built = build(objectives, { k6, interruptedBy: "SIGINT" });
      expect(built.verdict).toBe(verdict);
      expect(built.achievedTier).toBe(tier);
      expect(built.findings.at(-1)).toEqual({
        severity: "warning",
        code: "RUN_INTERRUPTED",
        message: "the run was interrupted by SIGINT; only the part that ran was judged",
      });
    },
  );

  it("without an interruption adds no such finding", () => {
    expect(build([passGood]).findings.map((f) => f.code)).not.toContain("RUN_INTERRUPTED");
  });

  it("orders findings: evaluation, k6 cross-check, the other source, mismatch policy, interruption", () => {
    const built = build([passGood], {
      k6: { ...K6_PASSED, exitCode: 99, thresholdsPassed: false },
      sourceFindings: [finding("SERVER_COUNT_LOW")],
      prometheus: {
        server: { requests: 10, errorRatio: 0, p95Ms: 50, requestsPerSecond: 1, p95BucketMs: null },
        timing: { scrapeWaitMs: 0, queriesMs: 1, totalMs: 1, queryCount: 1 },
        policy: "inconclusive",
      },
      interruptedBy: "SIGTERM",
    });
    expect(built.findings.map((f) => f.code)).toEqual([
      "EVALUATION",
      "K6_THRESHOLDS_DISAGREE",
      "SERVER_COUNT_LOW",
      "PROMETHEUS_MISMATCH",
      "RUN_INTERRUPTED",
    ]);
    expect(built.verdict).toBe("inconclusive");
    // The mismatch policy took the tier away before the interruption was applied.
    expect(built.achievedTier).toBeNull();
    expect(built.prometheus?.mismatch).toEqual({
      policy: "inconclusive",
      codes: ["SERVER_COUNT_LOW"],
    });
  });

  it("sets the run identity when given and leaves it out otherwise", () => {
    const run = { id: "20260101-120000-smoke", scenario: "smoke", target: "http://127.0.0.1:8080" };
    expect(build([passGood], { run }).run).toEqual(run);
    expect(build([passGood])).not.toHaveProperty("run");
  });

  it("leaves its inputs as they were", () => {
    const findings = [finding("EVALUATION")];
    const sourceFindings = [finding("SERVER_COUNT_LOW")];
    build([passGood], { findings, sourceFindings, interruptedBy: "SIGINT" });
    expect(findings).toEqual([finding("EVALUATION")]);
    expect(sourceFindings).toEqual([finding("SERVER_COUNT_LOW")]);
  });
});

describe("buildErrorVerdict", () => {
  const tiers = parseTierTable(
    `version: 1
rows:
  api_latency_p95: { unit: ms, direction: max, target: 500, good: 200, excellent: 100 }
  error_rate: { unit: ratio, direction: max, target: 0.01, good: 0.001, excellent: 0.0001 }
  throughput: { unit: req/s, direction: min, target: 1000, good: 5000, excellent: 10000 }
`,
    "tiers.yaml",
  );
  const profile = resolveProfile(
    {
      version: 1,
      name: "t",
      objectives: [
        { id: "latency_p95" },
        { id: "error_rate" },
        { id: "throughput", mandatory: false },
      ],
    },
    tiers,
    "t.yaml",
  );
  const startedAt = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
  const endedAt = new Date(Date.UTC(2026, 0, 1, 12, 0, 2, 500));
  const message = "k6 rejected its options (k6 exit 104 INVALID_CONFIG)";

  it.each([
    { name: "with the run identity", run: { id: "r1", scenario: "smoke", target: "http://t" } },
    { name: "without it", run: undefined },
  ])("is error with every objective error and one finding, $name", ({ run }) => {
    const report = buildErrorVerdict({
      profile,
      requiredTier: "good",
      code: "K6_INVALID_CONFIG",
      message,
      k6: { version: "v2.2.0", exitCode: 104 },
      startedAt,
      endedAt,
      ...(run ? { run } : {}),
    });
    expect(report.timeline).toEqual([]);
    expect(report.routes).toEqual([]);
    const { objectives, ...rest } = report.verdict;
    expect(rest).toEqual({
      schemaVersion: 1,
      verdict: "error",
      requiredTier: "good",
      achievedTier: null,
      profile: "t",
      window: {
        from: "2026-01-01T12:00:00.000Z",
        to: "2026-01-01T12:00:02.500Z",
        kind: "all",
        seconds: 2.5,
      },
      k6: { version: "v2.2.0", exitCode: 104, thresholdsPassed: null },
      findings: [{ severity: "warning", code: "K6_INVALID_CONFIG", message }],
      ...(run ? { run } : {}),
    });
    expect(
      objectives.map((o) => [o.id, o.verdict, o.tier, o.value, o.samples, o.mandatory]),
    ).toEqual([
      ["latency_p95", "error", null, null, 0, true],
      ["error_rate", "error", null, null, 0, true],
      ["throughput", "error", null, null, 0, false],
    ]);
    for (const o of objectives) expect(o.reason).toBe(`not evaluated: ${message}`);
  });
});
