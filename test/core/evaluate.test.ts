import { describe, expect, it } from "vitest";
import { evaluateEvidence, type EvaluateOptions } from "../../src/core/evaluate.js";
import type { StreamEvidence, SummaryEvidence } from "../../src/core/evidence.js";
import { resolveJudgedWindow } from "../../src/core/judged-window.js";
import { K6Accumulator, type PointTags } from "../../src/core/k6-accumulator.js";
import { resolveProfile } from "../../src/core/profile.js";
import { parseTierTable } from "../../src/core/tiers.js";

const tiers = parseTierTable(
  `version: 1
rows:
  api_latency_p95: { unit: ms, direction: max, target: 500, good: 200, excellent: 100 }
  error_rate: { unit: ratio, direction: max, target: 0.01, good: 0.001, excellent: 0.0001 }
  throughput: { unit: req/s, direction: min, target: 1000, good: 5000, excellent: 10000 }
  cpu: { unit: ratio, direction: max, target: 0.7, good: 0.5, excellent: 0.3 }
`,
  "tiers.yaml",
);

function profileOf(extra: Record<string, unknown> = {}) {
  return resolveProfile(
    {
      version: 1,
      name: "t",
      evaluation: { minWindowSeconds: 10 },
      objectives: [
        { id: "latency_p95" },
        { id: "error_rate" },
        { id: "throughput", mandatory: false },
      ],
      ...extra,
    },
    tiers,
    "t.yaml",
  );
}

interface RunSpec {
  /** Requests in the steady phase, one per iteration, evenly spread over `seconds`. */
  requests: number;
  seconds: number;
  latencyMs: (index: number) => number;
  failed?: (index: number) => boolean;
  phase?: string | null;
  offeredPerSecond?: number | null;
  droppedIterations?: number;
  /** Iterations actually run; `requests` by default. */
  iterations?: number;
  name?: string;
  trend?: { metric: string; values: number[] };
}

const START_MS = Date.UTC(2026, 0, 1, 12, 0, 0);

/** Builds evidence from known points: a slow ramp-up (which must never count) then the steady phase. */
function buildRun(spec: RunSpec): StreamEvidence {
  const sink = new K6Accumulator();
  const tagsOf = (phase: string | null, status: string, expected: string): PointTags => ({
    phase,
    name: spec.name ?? "/api/v1/users/:id",
    method: "GET",
    status,
    expected,
    scenario: phase === null ? null : phase.replace("-", "_"),
  });
  const http = (name: string) => sink.lookupMetric(name);
  if (spec.offeredPerSecond != null) {
    sink.addPoint(
      sink.declareMetric("slogate_offered_rate", "gauge", "default"),
      START_MS,
      spec.offeredPerSecond,
      tagsOf(null, "", ""),
    );
  }
  const steadyPhase = spec.phase === undefined ? "steady" : spec.phase;
  if (steadyPhase !== null) {
    // Ramp-up: 100 very slow, failing requests before the steady phase.
    for (let i = 0; i < 100; i++) {
      const tags = tagsOf("ramp-up", "500", "false");
      sink.addPoint(http("http_reqs"), START_MS + i, 1, tags);
      sink.addPoint(http("http_req_duration"), START_MS + i, 9000, tags);
      sink.addPoint(http("http_req_failed"), START_MS + i, 1, tags);
    }
  }
  const steadyStart = START_MS + 1000;
  const stepMs = (spec.seconds * 1000) / Math.max(1, spec.requests - 1);
  for (let i = 0; i < spec.requests; i++) {
    const failed = spec.failed?.(i) ?? false;
    const tags = tagsOf(steadyPhase, failed ? "500" : "200", failed ? "false" : "true");
    const time = steadyStart + i * stepMs;
    sink.addPoint(http("http_reqs"), time, 1, tags);
    sink.addPoint(http("http_req_duration"), time, spec.latencyMs(i), tags);
    sink.addPoint(http("http_req_failed"), time, failed ? 1 : 0, tags);
    if (i < (spec.iterations ?? spec.requests)) sink.addPoint(http("iterations"), time, 1, tags);
  }
  if (spec.droppedIterations) {
    sink.addPoint(http("dropped_iterations"), steadyStart, spec.droppedIterations, {
      ...tagsOf(null, "", ""),
      scenario: "steady",
    });
  }
  if (spec.trend) {
    const info = sink.declareMetric(spec.trend.metric, "trend", "time");
    spec.trend.values.forEach((value, i) =>
      sink.addPoint(info, steadyStart + i, value, tagsOf(steadyPhase, "", "")),
    );
  }
  return sink.finish();
}

// 1200 requests over 60 s (20/s), latencies 0.1 … 120 ms in 0.1 ms steps:
// nearest-rank p95 is the 1140th value = 114 ms → good (< 200) but not excellent (< 100).
const healthy: RunSpec = {
  requests: 1200,
  seconds: 60,
  latencyMs: (i) => (i + 1) / 10,
  offeredPerSecond: 20,
};

function evaluate(spec: RunSpec, options: Partial<EvaluateOptions> = {}) {
  return evaluateEvidence({ profile: profileOf(), evidence: buildRun(spec), ...options });
}

function objective(report: ReturnType<typeof evaluate>, id: string) {
  const found = report.verdict.objectives.find((o) => o.id === id);
  if (!found) throw new Error(`no objective ${id}`);
  return found;
}

describe("evaluateEvidence", () => {
  it.each([
    {
      name: "a healthy steady phase passes at target: error rate capped by sample count",
      spec: healthy,
      options: {},
      // 0 failures in 1200 requests shows < 1% (needs 300) but not < 0.1% (needs 3000).
      expect: {
        verdict: "pass",
        tier: "target",
        latency: ["pass", "good"],
        errors: ["pass", "target"],
      },
    },
    {
      name: "requiring good: the error rate cannot show < 0.1% with 1200 requests",
      spec: healthy,
      options: { requiredTier: "good" as const },
      expect: {
        verdict: "inconclusive",
        tier: null,
        latency: ["pass", "good"],
        errors: ["inconclusive", null],
      },
    },
    {
      name: "p95 of 600 ms breaches the target",
      spec: { ...healthy, latencyMs: (i: number) => 100 + (i + 1) / 2 },
      options: {},
      // Values 100.5 … 700 ms: the 1140th is 100 + 570 = 670 ms ≥ 500.
      expect: {
        verdict: "fail",
        tier: "none",
        latency: ["fail", "none"],
        errors: ["pass", "target"],
      },
    },
    {
      name: "2% failed requests fail the error rate",
      spec: { ...healthy, failed: (i: number) => i % 50 === 0 },
      options: {},
      expect: {
        verdict: "fail",
        tier: "none",
        latency: ["pass", "good"],
        errors: ["fail", "none"],
      },
    },
    {
      name: "100 requests are too few for p95 (needs 200) and for < 1% (needs 300)",
      spec: { ...healthy, requests: 100, seconds: 20, offeredPerSecond: 5 },
      options: {},
      expect: {
        verdict: "inconclusive",
        tier: null,
        latency: ["inconclusive", null],
        errors: ["inconclusive", null],
      },
    },
    {
      name: "dropped iterations turn a pass into inconclusive",
      spec: { ...healthy, droppedIterations: 3 },
      options: {},
      expect: {
        verdict: "inconclusive",
        tier: null,
        latency: ["inconclusive", null],
        errors: ["inconclusive", null],
      },
    },
    {
      name: "dropped iterations leave a breach a fail",
      spec: { ...healthy, droppedIterations: 3, latencyMs: () => 800 },
      options: {},
      expect: {
        verdict: "fail",
        tier: null,
        latency: ["fail", "none"],
        errors: ["inconclusive", null],
      },
    },
    {
      name: "achieving 20/s of an offered 25/s (80% < 95%) is inconclusive",
      spec: { ...healthy, offeredPerSecond: 25 },
      options: {},
      expect: {
        verdict: "inconclusive",
        tier: null,
        latency: ["inconclusive", null],
        errors: ["inconclusive", null],
      },
    },
    {
      name: "a 5 s steady window is shorter than the 10 s minimum",
      spec: { ...healthy, seconds: 5, offeredPerSecond: 240 },
      options: {},
      expect: {
        verdict: "inconclusive",
        tier: null,
        latency: ["inconclusive", null],
        errors: ["inconclusive", null],
      },
    },
  ])("$name", ({ spec, options, expect: wanted }) => {
    const report = evaluate(spec, options);
    expect(report.verdict.verdict).toBe(wanted.verdict);
    expect(report.verdict.achievedTier).toBe(wanted.tier);
    const latency = objective(report, "latency_p95");
    const errors = objective(report, "error_rate");
    expect([latency.verdict, latency.tier]).toEqual(wanted.latency);
    expect([errors.verdict, errors.tier]).toEqual(wanted.errors);
    // Informational objectives never decide the verdict.
    expect(objective(report, "throughput").mandatory).toBe(false);
  });

  it("reads only the steady phase: the slow, failing ramp-up is excluded", () => {
    const report = evaluate(healthy);
    expect(report.verdict.window.kind).toBe("steady");
    expect(objective(report, "latency_p95").value).toBeCloseTo(114, 0);
    expect(objective(report, "latency_p95").samples).toBe(1200);
    expect(objective(report, "error_rate").value).toBe(0);
    // 1200 requests between the first and last at 60 s apart.
    expect(report.verdict.window.seconds).toBeCloseTo(60, 6);
    expect(objective(report, "throughput").value).toBeCloseTo(20, 6);
  });

  it("without phase tags judges the whole run and says so", () => {
    const report = evaluate({ ...healthy, phase: null });
    expect(report.verdict.window.kind).toBe("all");
    expect(report.verdict.findings.map((f) => f.code)).toContain("NO_PHASE_TAGS");
  });

  it("throughput below the bound with all offered load served is inconclusive, not fail", () => {
    const report = evaluate(healthy);
    const throughput = objective(report, "throughput");
    expect(throughput.verdict).toBe("inconclusive");
    expect(throughput.reason).toContain("offer more load");
  });

  // Throughput alone as the mandatory objective, required at target (≥ 1000 req/s).
  // The healthy run achieves 20 req/s, far below it; what the run says about
  // delivering its load decides between fail and inconclusive.
  it.each([
    {
      name: "offered 2000/s, achieved 20/s (1% < 95%): undelivered load is inconclusive",
      spec: { ...healthy, offeredPerSecond: 2000 },
      expect: { verdict: "inconclusive", objective: "inconclusive", tier: null },
      reason: /not delivered.*below 95% of the offered 2000/,
    },
    {
      name: "offered rate unknown but k6 dropped iterations: inconclusive",
      spec: { ...healthy, offeredPerSecond: null, droppedIterations: 3 },
      expect: { verdict: "inconclusive", objective: "inconclusive", tier: null },
      reason: /not delivered.*dropped 3 iterations/,
    },
    {
      name: "offered rate unknown, nothing dropped: the breach is a fail",
      spec: { ...healthy, offeredPerSecond: null },
      expect: { verdict: "fail", objective: "fail", tier: "none" },
      reason: /not ≥ 1000 req\/s/,
    },
    {
      // 1200 requests in 5 s = 240 req/s: a short window is a doubt about
      // passes, but says nothing about whether the load was delivered.
      name: "a window too short, nothing dropped: the breach is a fail",
      spec: { ...healthy, seconds: 5, offeredPerSecond: null },
      expect: { verdict: "fail", objective: "fail", tier: "none" },
      reason: /not ≥ 1000 req\/s/,
    },
  ])("throughput below its bound: $name", ({ spec, expect: wanted, reason }) => {
    const report = evaluateEvidence({
      profile: profileOf({ objectives: [{ id: "throughput" }] }),
      evidence: buildRun(spec),
    });
    const throughput = objective(report, "throughput");
    expect(throughput.verdict).toBe(wanted.objective);
    expect(throughput.tier).toBe(wanted.tier);
    expect(throughput.reason).toMatch(reason);
    expect(report.verdict.verdict).toBe(wanted.verdict);
  });

  it("latency and errors keep their breach under the same undelivered load: only throughput is excused", () => {
    const report = evaluate({ ...healthy, offeredPerSecond: 2000, latencyMs: () => 800 });
    expect(objective(report, "latency_p95").verdict).toBe("fail");
    expect(report.verdict.verdict).toBe("fail");
  });

  it("no requests in scope is inconclusive, never a pass", () => {
    const report = evaluateEvidence({
      profile: profileOf({ requests: { names: ["/not/called"] } }),
      evidence: buildRun(healthy),
    });
    expect(report.verdict.verdict).toBe("inconclusive");
    expect(objective(report, "latency_p95").value).toBeNull();
    expect(objective(report, "latency_p95").reason).toContain("no successful requests");
  });

  it("a custom trend objective is judged from its own samples", () => {
    // 400 values 1 … 400 ms: p(90) is the 360th = 360 ms; 10 beyond p90 needs 100 samples.
    const report = evaluateEvidence({
      profile: profileOf({
        objectives: [
          { id: "latency_p95" },
          {
            id: "completion",
            metric: "completion_time",
            stat: "p(90)",
            unit: "ms",
            bounds: { target: 400, good: 350, excellent: 100 },
          },
        ],
      }),
      evidence: buildRun({
        ...healthy,
        trend: { metric: "completion_time", values: Array.from({ length: 400 }, (_, i) => i + 1) },
      }),
    });
    const completion = objective(report, "completion");
    expect(completion.value).toBeCloseTo(360, 0);
    expect(completion.tier).toBe("target");
    expect(report.verdict.verdict).toBe("pass");
  });

  it("a prometheus objective without Prometheus evidence is inconclusive; with it, judged", () => {
    const profile = profileOf({ objectives: [{ id: "latency_p95" }, { id: "cpu" }] });
    const without = evaluateEvidence({ profile, evidence: buildRun(healthy) });
    expect(objective(without, "cpu").verdict).toBe("inconclusive");
    expect(without.verdict.verdict).toBe("inconclusive");
    const withCpu = evaluateEvidence({
      profile,
      evidence: buildRun(healthy),
      external: [{ id: "cpu", value: 0.42, samples: 30, status: "ok" }],
    });
    expect([objective(withCpu, "cpu").verdict, objective(withCpu, "cpu").tier]).toEqual([
      "pass",
      "good",
    ]);
    expect(withCpu.verdict.verdict).toBe("pass");
  });

  it.each([
    {
      name: "k6 crossed its thresholds but the SLO passed",
      exitCode: 99,
      verdict: "pass",
      finding: "K6_THRESHOLDS_DISAGREE",
      passed: false,
    },
    {
      name: "k6 passed and so did the SLO",
      exitCode: 0,
      verdict: "pass",
      finding: null,
      passed: true,
    },
    {
      name: "a k6 exit without evidence is an error",
      exitCode: 107,
      verdict: "error",
      finding: "K6_EXIT",
      passed: null,
    },
  ])("$name", ({ exitCode, verdict, finding, passed }) => {
    const report = evaluate(healthy, {
      k6: { exitCode, exitEvidence: exitCode !== 107, exitDescription: "x", version: "v2.2.0" },
    });
    expect(report.verdict.verdict).toBe(verdict);
    expect(report.verdict.k6).toEqual({ version: "v2.2.0", exitCode, thresholdsPassed: passed });
    const codes = report.verdict.findings.map((f) => f.code);
    if (finding) expect(codes).toContain(finding);
    else expect(codes).not.toContain("K6_THRESHOLDS_DISAGREE");
  });

  it("fills routes and timeline for reports", () => {
    const report = evaluate(healthy);
    expect(report.routes).toEqual([
      expect.objectContaining({
        name: "/api/v1/users/:id",
        method: "GET",
        requests: 1200,
        failed: 0,
      }),
    ]);
    expect(report.routes[0]?.ratePerSecond).toBeCloseTo(20, 6);
    // The timeline covers the whole run, ramp-up included.
    expect(report.timeline.reduce((sum, point) => sum + point.requests, 0)).toBe(1300);
  });
});

describe("evaluateEvidence with a run's context", () => {
  const SERVER_READING = {
    server: { requests: 900, errorRatio: 0, p95Ms: 110, requestsPerSecond: 15, p95BucketMs: null },
    timing: { scrapeWaitMs: 0, queriesMs: 5, totalMs: 5, queryCount: 6 },
  };
  const sourceFinding = { severity: "warning" as const, code: "SERVER_COUNT_LOW", message: "x" };

  it.each([
    { name: "a passing run interrupted is inconclusive", spec: healthy, verdict: "inconclusive" },
    {
      name: "a failing run interrupted stays a fail",
      spec: { ...healthy, latencyMs: () => 800 },
      verdict: "fail",
    },
  ])("$name", ({ spec, verdict }) => {
    const report = evaluate(spec, { interruptedBy: "SIGTERM" });
    expect(report.verdict.verdict).toBe(verdict);
    expect(report.verdict.findings.at(-1)).toEqual({
      severity: "warning",
      code: "RUN_INTERRUPTED",
      message: "the run was interrupted by SIGTERM; only the part that ran was judged",
    });
  });

  it("sets the run identity", () => {
    const run = { id: "r1", scenario: "smoke", target: "http://127.0.0.1:1" };
    expect(evaluate(healthy, { run }).verdict.run).toEqual(run);
    expect(evaluate(healthy).verdict).not.toHaveProperty("run");
  });

  it("places the other source's findings after its own, then the prometheus section", () => {
    const plain = evaluate(healthy);
    const report = evaluate(healthy, { findings: [sourceFinding], prometheus: SERVER_READING });
    expect(report.verdict.findings).toEqual([...plain.verdict.findings, sourceFinding]);
    expect(report.verdict.prometheus?.server).toEqual(SERVER_READING.server);
    // k6 counted 1200 requests with p95 ≈ 114 ms in the steady window.
    expect(report.verdict.prometheus?.client.requests).toBe(1200);
    expect(report.verdict.prometheus?.mismatch).toEqual({
      policy: "finding",
      codes: ["SERVER_COUNT_LOW"],
    });
    expect(report.verdict.verdict).toBe("pass");
  });

  it("applies the profile's prometheus.onMismatch: inconclusive", () => {
    const report = evaluateEvidence({
      profile: profileOf({ prometheus: { onMismatch: "inconclusive" } }),
      evidence: buildRun(healthy),
      findings: [sourceFinding],
      prometheus: SERVER_READING,
    });
    expect(report.verdict.verdict).toBe("inconclusive");
    expect(report.verdict.findings.map((f) => f.code).slice(-2)).toEqual([
      "SERVER_COUNT_LOW",
      "PROMETHEUS_MISMATCH",
    ]);
  });
});

describe("resolveJudgedWindow", () => {
  it("gives the steady window and k6's request count and p95 for it", () => {
    const judged = resolveJudgedWindow({ profile: profileOf(), evidence: buildRun(healthy) });
    // The steady phase starts 1 s after START_MS and lasts 60 s.
    expect(judged.window?.fromMs).toBe(START_MS + 1000);
    expect(Math.abs((judged.window?.toMs ?? 0) - (START_MS + 61_000))).toBeLessThanOrEqual(1);
    expect(judged.client.requests).toBe(1200);
    expect(judged.client.p95Ms).toBeCloseTo(114, 0);
  });

  it("states the window in whole ms, as the verdict's ISO times do", () => {
    // k6 timestamps carry sub-ms digits; the verdict states whole ms.
    const sink = new K6Accumulator();
    const tags: PointTags = {
      phase: "steady",
      name: "/api/v1/users/:id",
      method: "GET",
      status: "200",
      expected: "true",
      scenario: "steady",
    };
    for (const time of [START_MS + 0.4, START_MS + 20_000.7]) {
      sink.addPoint(sink.lookupMetric("http_reqs"), time, 1, tags);
      sink.addPoint(sink.lookupMetric("http_req_duration"), time, 10, tags);
      sink.addPoint(sink.lookupMetric("http_req_failed"), time, 0, tags);
    }
    const evidence = sink.finish();
    const judged = resolveJudgedWindow({ profile: profileOf(), evidence });
    expect(judged.window).toEqual({ fromMs: START_MS, toMs: START_MS + 20_000 });
    const report = evaluateEvidence({ profile: profileOf(), evidence });
    expect(report.verdict.window.from).toBe(new Date(START_MS).toISOString());
    expect(judged.client.requests).toBe(2);
  });

  it("with window all, includes the ramp-up", () => {
    const judged = resolveJudgedWindow({
      profile: profileOf(),
      evidence: buildRun(healthy),
      window: "all",
    });
    expect(judged.window?.fromMs).toBe(START_MS);
    expect(judged.client.requests).toBe(1300);
  });

  it("without error_rate and latency_p95 objectives: 0 requests, no p95", () => {
    const judged = resolveJudgedWindow({
      profile: profileOf({ objectives: [{ id: "throughput" }] }),
      evidence: buildRun(healthy),
    });
    expect(judged.client).toEqual({ requests: 0, p95Ms: null });
  });

  it("a summary of the steady phase has no window", () => {
    const summary: SummaryEvidence = {
      kind: "summary",
      file: "summary.json",
      format: "summary-export",
      metrics: [
        {
          key: "http_req_duration{phase:steady}",
          metric: "http_req_duration",
          tags: { phase: "steady" },
          type: "trend",
          values: { "p(95)": 120 },
        },
      ],
      thresholds: [],
      durationSeconds: 60,
      generatedAt: null,
      k6Version: null,
      findings: [],
    };
    expect(resolveJudgedWindow({ profile: profileOf(), evidence: summary }).window).toBeNull();
  });
});
