import { describe, expect, it } from "vitest";
import { evaluateEvidence } from "../../src/core/evaluate.js";
import type { StreamEvidence, SummaryEvidence } from "../../src/core/evidence.js";
import { K6Accumulator, type PointTags } from "../../src/core/k6-accumulator.js";
import { resolveProfile } from "../../src/core/profile.js";
import { parseTierTable } from "../../src/core/tiers.js";
import type { ReportInput } from "../../src/core/types.js";

const tiers = parseTierTable(
  `version: 1
rows:
  api_latency_p95: { unit: ms, direction: max, target: 500, good: 200, excellent: 100 }
  error_rate: { unit: ratio, direction: max, target: 0.01, good: 0.001, excellent: 0.0001 }
  throughput: { unit: req/s, direction: min, target: 1000, good: 5000, excellent: 10000 }
`,
  "tiers.yaml",
);

const DEFAULT_OBJECTIVES = [
  { id: "latency_p95" },
  { id: "error_rate" },
  { id: "throughput", mandatory: false },
];

function profileOf(evaluation: Record<string, unknown> = {}, objectives = DEFAULT_OBJECTIVES) {
  return resolveProfile({ version: 1, name: "f", evaluation, objectives }, tiers, "f.yaml");
}

interface Request {
  name: string;
  status: string;
  /** k6's expected_response tag: false counts as a failed request. */
  expected: boolean;
}

interface SmokeSpec {
  /** Whether setup() called declareFunctional(). */
  marker: boolean;
  requests: Request[];
  /** Check name and whether it held, in order. */
  checks: [string, boolean][];
}

const START_MS = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A smoke run as k6 writes it: no phase tags, one request and its checks after another. */
function buildSmoke(spec: SmokeSpec): StreamEvidence {
  const sink = new K6Accumulator();
  const tags = (extra: Partial<PointTags>): PointTags => ({
    phase: null,
    name: null,
    method: null,
    status: null,
    expected: null,
    scenario: null,
    check: null,
    ...extra,
  });
  if (spec.marker) {
    sink.addPoint(
      sink.declareMetric("slogate_functional", "counter", "default"),
      START_MS,
      1,
      tags({}),
    );
  }
  const metric = (name: string) => sink.lookupMetric(name);
  spec.requests.forEach((request, i) => {
    const t = tags({
      name: request.name,
      method: "GET",
      status: request.status,
      expected: String(request.expected),
      scenario: "smoke",
    });
    const time = START_MS + 10 + i * 20;
    sink.addPoint(metric("http_reqs"), time, 1, t);
    sink.addPoint(metric("http_req_duration"), time, 3 + i, t);
    sink.addPoint(metric("http_req_failed"), time, request.expected ? 0 : 1, t);
  });
  spec.checks.forEach(([name, held], i) => {
    sink.addPoint(
      metric("checks"),
      START_MS + 11 + i * 20,
      held ? 1 : 0,
      tags({ check: name, scenario: "smoke" }),
    );
  });
  sink.addPoint(metric("iterations"), START_MS + 500, 1, tags({ scenario: "smoke" }));
  return sink.finish();
}

const ROUTES = ["/api/v1/users", "/api/v1/users/:id", "/api/v1/products", "/orders"];
const healthyRequests: Request[] = ROUTES.map((name) => ({ name, status: "200", expected: true }));
const healthyChecks: [string, boolean][] = ROUTES.map((name) => [`GET ${name}: status 200`, true]);

function find(report: ReportInput, id: string) {
  const found = report.verdict.objectives.find((o) => o.id === id);
  if (!found)
    throw new Error(`no ${id} in ${report.verdict.objectives.map((o) => o.id).join(", ")}`);
  return found;
}

describe("functional runs (smoke): judged on checks and failed requests", () => {
  it.each([
    {
      name: "healthy, declared by the scenario: pass",
      spec: { marker: true, requests: healthyRequests, checks: healthyChecks },
      evaluation: {},
      verdict: "pass",
      checks: ["pass", 1, 4],
      errorRate: "pass",
      reason: /^all 4 checks passed/,
    },
    {
      name: "one failing check fails the run and names it",
      spec: {
        marker: true,
        requests: healthyRequests,
        checks: [
          ...healthyChecks,
          ["GET /api/v1/users/:id: echoes email", false] as [string, boolean],
        ],
      },
      evaluation: {},
      verdict: "fail",
      checks: ["fail", 4 / 5, 5],
      errorRate: "pass",
      reason: /^1 of 5 checks failed in the run: "GET \/api\/v1\/users\/:id: echoes email" ×1$/,
    },
    {
      name: "failing checks are named most failures first, with counts",
      spec: {
        marker: true,
        requests: healthyRequests,
        checks: [
          ["B: status 200", false],
          ["A: status 201", false],
          ["B: status 200", false],
          ["C: ok", true],
        ] as [string, boolean][],
      },
      evaluation: {},
      verdict: "fail",
      checks: ["fail", 1 / 4, 4],
      errorRate: "pass",
      reason: /^3 of 4 checks failed in the run: "B: status 200" ×2, "A: status 201" ×1$/,
    },
    {
      name: "ties keep the order the checks first failed in",
      spec: {
        marker: true,
        requests: healthyRequests,
        checks: [
          ["Z: first broken step", false],
          ["A: later step", false],
        ] as [string, boolean][],
      },
      evaluation: {},
      verdict: "fail",
      checks: ["fail", 0, 2],
      errorRate: "pass",
      reason: /^2 of 2 checks failed in the run: "Z: first broken step" ×1, "A: later step" ×1$/,
    },
    {
      name: "zero checks is inconclusive, never a pass",
      spec: { marker: true, requests: healthyRequests, checks: [] },
      evaluation: {},
      verdict: "inconclusive",
      checks: ["inconclusive", null, 0],
      errorRate: "pass",
      reason: /^no k6 checks ran in the run/,
    },
    {
      name: "an unexpected failed request fails the run though every check passed",
      spec: {
        marker: true,
        requests: [...healthyRequests, { name: "/orders", status: "500", expected: false }],
        checks: healthyChecks,
      },
      evaluation: {},
      verdict: "fail",
      checks: ["pass", 1, 4],
      errorRate: "fail",
      reason: /^all 4 checks passed/,
    },
    {
      name: "an expected 404 (a deliberate probe) is not a failure",
      spec: {
        marker: true,
        requests: [
          ...healthyRequests,
          { name: "/api/v1/users/:id", status: "404", expected: true },
        ],
        checks: healthyChecks,
      },
      evaluation: {},
      verdict: "pass",
      checks: ["pass", 1, 4],
      errorRate: "pass",
      reason: /^all 4 checks passed/,
    },
    {
      name: "the profile can declare it (evaluation.kind: functional) without the marker",
      spec: { marker: false, requests: healthyRequests, checks: healthyChecks },
      evaluation: { kind: "functional" },
      verdict: "pass",
      checks: ["pass", 1, 4],
      errorRate: "pass",
      reason: /^all 4 checks passed/,
    },
  ])("$name", ({ spec, evaluation, verdict, checks, errorRate, reason }) => {
    const report = evaluateEvidence({ profile: profileOf(evaluation), evidence: buildSmoke(spec) });
    expect(report.verdict.verdict).toBe(verdict);
    const judged = find(report, "checks");
    expect([judged.verdict, judged.value, judged.samples]).toEqual(checks);
    expect(judged.mandatory).toBe(true);
    expect(judged.reason).toMatch(reason);
    expect(find(report, "error_rate").verdict).toBe(errorRate);
    // Latency and throughput are shown, judged by the usual rules, and do not decide.
    for (const id of ["latency_p95", "throughput"]) {
      const informational = find(report, id);
      expect(informational.mandatory, id).toBe(false);
      expect(informational.reason, id).toMatch(
        /^informational: a functional run is judged on checks and failed requests/,
      );
    }
    expect(report.verdict.findings.map((f) => f.code)).toContain("FUNCTIONAL_RUN");
    expect(report.verdict.findings.map((f) => f.code)).not.toContain("NO_PHASE_TAGS");
  });

  it("reports the failed requests with their count", () => {
    const report = evaluateEvidence({
      profile: profileOf(),
      evidence: buildSmoke({
        marker: true,
        requests: [...healthyRequests, { name: "/orders", status: "503", expected: false }],
        checks: healthyChecks,
      }),
    });
    expect(find(report, "error_rate").reason).toBe(
      "1 of 5 requests failed (http_req_failed: a status the script did not expect); a functional run allows none",
    );
  });

  it.each([
    { name: "no marker, kind auto", marker: false, evaluation: {} },
    { name: "marker, but the profile says slo", marker: true, evaluation: { kind: "slo" } },
  ])(
    "$name: judged on the tiers as before (4 samples cannot show a p95)",
    ({ marker, evaluation }) => {
      const report = evaluateEvidence({
        profile: profileOf(evaluation),
        evidence: buildSmoke({ marker, requests: healthyRequests, checks: healthyChecks }),
      });
      expect(report.verdict.verdict).toBe("inconclusive");
      expect(report.verdict.objectives.map((o) => o.id)).toEqual([
        "latency_p95",
        "error_rate",
        "throughput",
      ]);
      expect(find(report, "latency_p95").mandatory).toBe(true);
      expect(find(report, "latency_p95").reason).toMatch(/needs ≥ 200/);
    },
  );

  it("adds a failed_requests objective when the profile has no error rate", () => {
    const profile = profileOf({ kind: "functional" }, [{ id: "latency_p95" }]);
    const healthy = evaluateEvidence({
      profile,
      evidence: buildSmoke({ marker: false, requests: healthyRequests, checks: healthyChecks }),
    });
    expect(healthy.verdict.objectives.map((o) => [o.id, o.verdict, o.mandatory])).toEqual([
      ["checks", "pass", true],
      ["latency_p95", "inconclusive", false],
      ["failed_requests", "pass", true],
    ]);
    expect(healthy.verdict.verdict).toBe("pass");
    const broken = evaluateEvidence({
      profile,
      evidence: buildSmoke({
        marker: false,
        requests: [{ name: "/x", status: "500", expected: false }],
        checks: [["GET /x: status 200", false]],
      }),
    });
    expect(broken.verdict.verdict).toBe("fail");
    expect(find(broken, "failed_requests").verdict).toBe("fail");
  });

  it.each([
    {
      name: "an error rate narrowed to some routes",
      objectives: [
        { id: "latency_p95" },
        { id: "error_rate", requests: { names: ["/api/v1/users"] } },
      ],
    },
    {
      name: "an informational error rate",
      objectives: [{ id: "latency_p95" }, { id: "error_rate", mandatory: false }],
    },
  ])(
    "a failure the profile's error rate does not decide still fails the run: $name",
    ({ objectives }) => {
      // Every check held, but a request outside the error rate's reach failed.
      const requests: Request[] = [
        { name: "/api/v1/users", status: "200", expected: true },
        { name: "/api/v1/products", status: "503", expected: false },
      ];
      const report = evaluateEvidence({
        profile: profileOf({ kind: "functional" }, objectives),
        evidence: buildSmoke({ marker: false, requests, checks: [["GET /: status 200", true]] }),
      });
      expect(find(report, "failed_requests").verdict).toBe("fail");
      expect(find(report, "failed_requests").mandatory).toBe(true);
      expect(report.verdict.verdict).toBe("fail");
    },
  );

  it("no requests at all: failed requests cannot be shown, so the run is not a pass", () => {
    const report = evaluateEvidence({
      profile: profileOf(),
      evidence: buildSmoke({ marker: true, requests: [], checks: [["setup ran", true]] }),
    });
    expect(find(report, "checks").verdict).toBe("pass");
    expect(find(report, "error_rate").verdict).toBe("inconclusive");
    expect(report.verdict.verdict).toBe("inconclusive");
  });

  it("k6 exit without complete results stays an error", () => {
    const report = evaluateEvidence({
      profile: profileOf(),
      evidence: buildSmoke({ marker: true, requests: healthyRequests, checks: healthyChecks }),
      k6: { exitCode: 105, exitEvidence: false, exitDescription: "aborted" },
    });
    expect(report.verdict.verdict).toBe("error");
  });
});

function summaryOf(
  checks: { name: string; passes: number; fails: number }[] | null,
  totals: { passes: number; fails: number },
): SummaryEvidence {
  return {
    kind: "summary",
    file: "summary.json",
    format: "handle-summary",
    metrics: [
      {
        key: "slogate_functional",
        metric: "slogate_functional",
        tags: {},
        type: "counter",
        values: { count: 1, rate: 0.5 },
      },
      { key: "checks", metric: "checks", tags: {}, type: "rate", values: { ...totals, rate: 0 } },
      {
        key: "http_req_failed",
        metric: "http_req_failed",
        tags: {},
        type: "rate",
        values: { passes: 0, fails: 13, rate: 0 },
      },
      {
        key: "http_reqs",
        metric: "http_reqs",
        tags: {},
        type: "counter",
        values: { count: 13, rate: 6.5 },
      },
      {
        key: "http_req_duration{expected_response:true}",
        metric: "http_req_duration",
        tags: { expected_response: "true" },
        type: "trend",
        values: { "p(95)": 12 },
      },
    ],
    thresholds: [],
    checks,
    durationSeconds: 2,
    generatedAt: null,
    k6Version: null,
    findings: [],
  };
}

describe("functional runs from a k6 summary", () => {
  it.each([
    {
      name: "every check passed",
      checks: [{ name: "GET /a: status 200", passes: 3, fails: 0 }],
      totals: { passes: 3, fails: 0 },
      verdict: "pass",
      reason: /^all 3 checks passed in the run$/,
    },
    {
      name: "a failed check is named from the summary's groups",
      checks: [
        { name: "GET /a: status 200", passes: 2, fails: 0 },
        { name: "GET /b: status 200", passes: 0, fails: 1 },
      ],
      totals: { passes: 2, fails: 1 },
      verdict: "fail",
      reason: /^1 of 3 checks failed in the run: "GET \/b: status 200" ×1$/,
    },
    {
      name: "a summary without groups still fails, and says the names are missing",
      checks: null,
      totals: { passes: 2, fails: 1 },
      verdict: "fail",
      reason: /does not name them/,
    },
  ])("$name", ({ checks, totals, verdict, reason }) => {
    const report = evaluateEvidence({ profile: profileOf(), evidence: summaryOf(checks, totals) });
    expect(report.verdict.verdict).toBe(verdict);
    expect(find(report, "checks").reason).toMatch(reason);
  });
});
