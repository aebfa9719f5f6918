import { encodeIntoCompressedBase64 } from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import { buildComparisonFigures, findFigureObjective } from "../../src/core/comparison-figures.js";
import type { EvidenceFileV1, EvidenceGroupV1 } from "../../src/core/evidence-file.js";
import { createHistogram, toMicroseconds } from "../../src/core/histogram.js";
import type { ObjectiveSpec } from "../../src/core/objectives.js";

// Evidence built by hand from known durations: every expectation below is
// worked out from those durations, not read back from the code.

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const SLICE_MS = 2000;

function encode(durationsMs: readonly number[]): string | null {
  if (durationsMs.length === 0) return null;
  const histogram = createHistogram();
  for (const ms of durationsMs) histogram.recordValue(toMicroseconds(ms));
  return encodeIntoCompressedBase64(histogram);
}

interface GroupSpec {
  name: string;
  method?: string;
  expected?: boolean;
  /** Per slice: the durations of its requests (one request each). */
  slices: number[][];
  failures?: number[];
}

function buildGroup(spec: GroupSpec): EvidenceGroupV1 {
  return {
    name: spec.name,
    method: spec.method ?? "GET",
    statusClass: spec.expected === false ? "5xx" : "2xx",
    expected: spec.expected ?? true,
    requests: spec.slices.map((durations) => durations.length),
    failures:
      spec.failures ??
      spec.slices.map((durations) => (spec.expected === false ? durations.length : 0)),
    durations: spec.slices.map(encode),
  };
}

function buildEvidence(
  groups: GroupSpec[],
  options: { windowStartMs?: number } = {},
): EvidenceFileV1 {
  const sliceCount = Math.max(...groups.map((group) => group.slices.length));
  const start = options.windowStartMs ?? T0;
  return {
    format: "slogate-evidence",
    version: 1,
    createdAt: "2025-01-01T13:00:00.000Z",
    window: {
      kind: "steady",
      from: new Date(start).toISOString(),
      to: new Date(start + sliceCount * SLICE_MS).toISOString(),
      seconds: (sliceCount * SLICE_MS) / 1000,
    },
    sliceMs: SLICE_MS,
    slices: Array.from({ length: sliceCount }, (_, i) => ({
      startMs: start + i * SLICE_MS,
      durationMs: SLICE_MS,
    })),
    profile: { name: "test", objectivesHash: "h", objectives: [] },
    scenario: "load",
    k6Version: "v2.2.0",
    load: {
      offeredRatePerSecond: null,
      achievedRequestRatePerSecond: null,
      achievedIterationRatePerSecond: null,
    },
    ci: null,
    groups: groups.map(buildGroup),
  };
}

function latencySpec(
  id: string,
  options: {
    names?: string[];
    methods?: string[];
    responses?: "expected" | "all";
    percent?: number;
  } = {},
): ObjectiveSpec {
  return {
    id,
    description: "",
    source: "k6",
    mandatory: true,
    unit: "ms",
    bounds: { direction: "max", target: 500, good: 200, excellent: 100 },
    tierRow: null,
    measure: {
      kind: "k6",
      metric: "http_req_duration",
      stat: { kind: "percentile", percent: options.percent ?? 95 },
      scope:
        options.names || options.methods
          ? { names: options.names ?? null, methods: options.methods ?? null }
          : null,
      responses: options.responses ?? "expected",
    },
    abortAt: null,
  };
}

/** 1, 2, …, n ms. */
function ramp(n: number, offset = 0): number[] {
  return Array.from({ length: n }, (_, i) => offset + i + 1);
}

/**
 * The nearest-rank percentile of a sorted list: the value of rank
 * ⌈p/100 × n⌉, at least rank 1.
 */
function nearestRank(sorted: readonly number[], percent: number): number {
  const rank = Math.max(1, Math.ceil((percent / 100) * sorted.length - 1e-9));
  return sorted[rank - 1] ?? Number.NaN;
}

// HDR keeps 3 significant digits: a reading is within 0.1 % above the exact value.
function expectWithinHdr(actual: number | null | undefined, exact: number): void {
  expect(actual).not.toBeNull();
  expect(actual).toBeGreaterThanOrEqual(exact * 0.999);
  expect(actual).toBeLessThanOrEqual(exact * 1.001);
}

describe("buildComparisonFigures", () => {
  it("reads each run's spectrum over the whole window from the durations it holds", () => {
    // Baseline: 1..1000 ms spread over 5 slices of 200; candidate: twice as slow.
    const baseDurations = ramp(1000);
    const base = buildEvidence([
      {
        name: "/users",
        slices: [0, 1, 2, 3, 4].map((s) => baseDurations.slice(s * 200, s * 200 + 200)),
      },
    ]);
    const cand = buildEvidence([
      {
        name: "/users",
        slices: [0, 1, 2, 3, 4].map((s) =>
          baseDurations.slice(s * 200, s * 200 + 200).map((ms) => ms * 2),
        ),
      },
    ]);
    const figures = buildComparisonFigures(base, cand, latencySpec("latency_p95"));
    expect(figures.subject).toBe("http_req_duration of expected responses");

    // 1000 requests: p99.9 still has one slower request (1000 × 0.001 = 1), p99.95 has not.
    const percents = figures.baseline.spectrum.map((point) => point.percent);
    expect(percents[0]).toBe(0);
    expect(percents).toContain(50);
    expect(percents).toContain(99.9);
    expect(percents.at(-1)).toBe(99.9);
    expect(figures.candidate.spectrum.map((point) => point.percent)).toEqual(percents);

    for (const percent of [0, 10, 50, 90, 95, 99, 99.9]) {
      const exact = nearestRank(baseDurations, percent);
      expectWithinHdr(figures.baseline.spectrum.find((p) => p.percent === percent)?.ms, exact);
      expectWithinHdr(figures.candidate.spectrum.find((p) => p.percent === percent)?.ms, exact * 2);
    }
    // Hand-checked anchors: p0 is the fastest request, p50 the 500th, p95 the 950th.
    expectWithinHdr(figures.baseline.spectrum.find((p) => p.percent === 0)?.ms, 1);
    expectWithinHdr(figures.baseline.spectrum.find((p) => p.percent === 50)?.ms, 500);
    expectWithinHdr(figures.baseline.spectrum.find((p) => p.percent === 95)?.ms, 950);
    // Ascending, as a spectrum must be.
    const ms = figures.baseline.spectrum.map((point) => point.ms);
    expect([...ms].sort((a, b) => a - b)).toEqual(ms);
  });

  it("times every slice from the window's start, with its own p50, p95, rate and failure ratio", () => {
    // Slice k holds 100 requests of (k + 1) × 10 ms; slice 2 has 4 of its requests failed.
    const slices = [0, 1, 2, 3].map((k) => Array.from({ length: 100 }, () => (k + 1) * 10));
    const base = buildEvidence([{ name: "/a", slices, failures: [0, 0, 4, 0] }], {
      windowStartMs: T0 + 500,
    });
    const figures = buildComparisonFigures(base, base, latencySpec("latency_p95"));
    const timeline = figures.baseline.timeline;
    expect(timeline.map((point) => point.offsetSeconds)).toEqual([0, 2, 4, 6]);
    timeline.forEach((point, k) => {
      expectWithinHdr(point.p50Ms, (k + 1) * 10);
      expectWithinHdr(point.p95Ms, (k + 1) * 10);
      // 100 requests in 2 s.
      expect(point.requestsPerSecond).toBe(50);
    });
    expect(timeline.map((point) => point.failureRatio)).toEqual([0, 0, 0.04, 0]);
  });

  it("merges the groups the objective covers: its routes and methods, expected responses only", () => {
    // /a GET expected: 10 ms ×90; /a GET unexpected: 5000 ms ×10; /b POST: 900 ms ×100.
    const groups: GroupSpec[] = [
      { name: "/a", slices: [Array.from({ length: 90 }, () => 10)] },
      { name: "/a", expected: false, slices: [Array.from({ length: 10 }, () => 5000)] },
      { name: "/b", method: "POST", slices: [Array.from({ length: 100 }, () => 900)] },
    ];
    const evidence = buildEvidence(groups);

    const onlyA = buildComparisonFigures(
      evidence,
      evidence,
      latencySpec("latency_a", { names: ["/a"] }),
    );
    // Expected /a responses only: every duration is 10 ms, whatever the percentile.
    for (const point of onlyA.baseline.spectrum) expectWithinHdr(point.ms, 10);
    // Requests count every /a response (100 in 2 s), failed ones included.
    expect(onlyA.baseline.timeline[0]?.requestsPerSecond).toBe(50);
    expect(onlyA.baseline.timeline[0]?.failureRatio).toBe(0.1);
    expect(onlyA.subject).toBe("http_req_duration of expected responses · /a");

    const allOfA = buildComparisonFigures(
      evidence,
      evidence,
      latencySpec("latency_a", { names: ["/a"], responses: "all" }),
    );
    // 90 × 10 ms and 10 × 5000 ms: p90 is the 90th (10 ms), p95 the 95th (5000 ms).
    expectWithinHdr(allOfA.baseline.spectrum.find((p) => p.percent === 90)?.ms, 10);
    expectWithinHdr(allOfA.baseline.spectrum.find((p) => p.percent === 95)?.ms, 5000);

    const posts = buildComparisonFigures(
      evidence,
      evidence,
      latencySpec("latency_post", { methods: ["POST"] }),
    );
    for (const point of posts.baseline.spectrum) expectWithinHdr(point.ms, 900);

    // No spec: every route's expected responses, 90 × 10 ms and 100 × 900 ms:
    // the median (rank 95) is 900 ms, p40 (rank 76) is 10 ms.
    const every = buildComparisonFigures(evidence, evidence);
    expectWithinHdr(every.baseline.spectrum.find((p) => p.percent === 40)?.ms, 10);
    expectWithinHdr(every.baseline.spectrum.find((p) => p.percent === 50)?.ms, 900);
    expect(every.baseline.timeline[0]?.requestsPerSecond).toBe(100);
  });

  it("keeps a slice without requests as a gap, and an empty run as an empty spectrum", () => {
    const base = buildEvidence([{ name: "/a", slices: [[20, 20], [], [40, 40]] }]);
    const empty = buildEvidence([{ name: "/other", slices: [[5], [5], [5]] }]);
    const figures = buildComparisonFigures(
      base,
      empty,
      latencySpec("latency_a", { names: ["/a"] }),
    );
    expect(figures.baseline.timeline.map((point) => point.p95Ms === null)).toEqual([
      false,
      true,
      false,
    ]);
    expect(figures.baseline.timeline[1]).toEqual({
      offsetSeconds: 2,
      p50Ms: null,
      p95Ms: null,
      requestsPerSecond: 0,
      failureRatio: null,
    });
    // 4 requests: p0 … p75 rest on a slower request (4 × 0.25 = 1), p80 does not.
    expect(figures.baseline.spectrum.map((point) => point.percent)).toEqual([
      0, 10, 20, 30, 40, 50, 60, 70, 75,
    ]);
    expect(figures.candidate.spectrum).toEqual([]);
    expect(figures.candidate.timeline.every((point) => point.p95Ms === null)).toBe(true);
  });
});

describe("findFigureObjective", () => {
  const errorRate: ObjectiveSpec = {
    ...latencySpec("error_rate"),
    unit: "ratio",
    measure: {
      kind: "k6",
      metric: "http_req_failed",
      stat: { kind: "rate" },
      scope: null,
      responses: "all",
    },
  };
  it.each([
    {
      name: "latency_p95 first",
      objectives: [latencySpec("latency_p99", { percent: 99 }), latencySpec("latency_p95")],
      id: "latency_p95",
    },
    {
      name: "else the first latency percentile",
      objectives: [errorRate, latencySpec("checkout_p90", { percent: 90 })],
      id: "checkout_p90",
    },
    { name: "none without a latency objective", objectives: [errorRate], id: undefined },
  ])("$name", ({ objectives, id }) => {
    expect(findFigureObjective(objectives)?.id).toBe(id);
  });
});
