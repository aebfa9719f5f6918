import { describe, expect, it } from "vitest";
import { readPercentileMs } from "../../src/core/histogram.js";
import { buildRemoteEvidence, type RemoteRunSeries } from "../../src/core/k6-remote-evidence.js";
import { addNativeBuckets, readResolution } from "../../src/core/native-histogram.js";
import { createHistogram } from "../../src/core/histogram.js";

// Pure parts of judging a run from the metrics k6 pushed to Prometheus:
// native-histogram buckets into slogate's histograms, and the series of
// several runners into one run's evidence. Inputs are written by hand in the
// shape Prometheus' API returns (see src/sources/prometheus/response.ts).

/** Schema-3 bucket k: (2^((k−1)/8), 2^(k/8)] seconds. */
function bucket(k: number, count: number) {
  return { lower: 2 ** ((k - 1) / 8), upper: 2 ** (k / 8), count };
}

describe("native histograms as HDR histograms", () => {
  it("reads schema 3 from the bucket bounds and records each count at its upper bound", () => {
    // Buckets around 20 ms: k = −45 is (2^−5.75, 2^−5.625] s = (18.58, 20.27] ms.
    const buckets = [bucket(-46, 90), bucket(-45, 8), bucket(-44, 2)];
    expect(readResolution(buckets)).toEqual({ schema: 3, growthFactor: 2 ** (1 / 8) });
    const histogram = createHistogram();
    expect(addNativeBuckets(histogram, buckets, 1e6)).toBe(0);
    expect(histogram.totalCount).toBe(100);
    // Rank 95 of 100 falls in the second bucket: its upper bound, 2^−5.625 s = 20.27 ms (HDR: ±0.1 %).
    expect(readPercentileMs(histogram, 95)).toBeCloseTo(20.2705, 1);
  });

  it("counts observations in negative buckets as unrecordable", () => {
    const histogram = createHistogram();
    expect(addNativeBuckets(histogram, [{ lower: -2, upper: -1, count: 3 }], 1e6)).toBe(3);
    expect(histogram.totalCount).toBe(0);
  });
});

function run(overrides: Partial<RemoteRunSeries>): RemoteRunSeries {
  return {
    origin: "Prometheus http://127.0.0.1:9090, testid=t1",
    nowMs: 1_000_000,
    vus: [],
    httpReqs: [],
    httpReqDurations: [],
    iterations: [],
    droppedIterations: [],
    offeredRate: [],
    functional: [],
    checks: [],
    trends: [],
    ...overrides,
  };
}

const steady = (instance: string, status: string, expected: string) => ({
  __name__: "k6_http_reqs_total",
  testid: "t1",
  phase: "steady",
  name: "/items/:id",
  method: "GET",
  status,
  expected_response: expected,
  instance_id: instance,
});

describe("buildRemoteEvidence", () => {
  it("sums the last sample of every runner's series: requests, failures and durations exactly", () => {
    const { evidence, status } = buildRemoteEvidence(
      run({
        httpReqs: [
          {
            labels: steady("1", "200", "true"),
            points: [
              { timeMs: 10_000, value: 40 },
              { timeMs: 20_000, value: 100 },
            ],
          },
          {
            labels: steady("2", "200", "true"),
            points: [
              { timeMs: 10_500, value: 45 },
              { timeMs: 20_500, value: 98 },
            ],
          },
          { labels: steady("2", "503", "false"), points: [{ timeMs: 20_500, value: 2 }] },
        ],
        httpReqDurations: [
          {
            labels: { ...steady("1", "200", "true"), __name__: "k6_http_req_duration_seconds" },
            samples: [{ timeMs: 20_000, count: 100, sum: 2, buckets: [bucket(-46, 100)] }],
          },
          {
            labels: { ...steady("2", "200", "true"), __name__: "k6_http_req_duration_seconds" },
            samples: [{ timeMs: 20_500, count: 98, sum: 2, buckets: [bucket(-45, 98)] }],
          },
        ],
      }),
    );
    const groups = evidence.groups.filter((g) => g.phase === "steady");
    const ok = groups.find((g) => g.statusClass === "2xx");
    const failed = groups.find((g) => g.statusClass === "5xx");
    expect(ok?.requests).toBe(198);
    expect(ok?.durations.totalCount).toBe(198);
    expect(ok?.failedSamples).toBe(198);
    expect(ok?.failed).toBe(0);
    expect(failed).toMatchObject({ requests: 2, failed: 2, failedSamples: 2, expected: false });
    expect(evidence.resolution).toEqual({ schema: 3, growthFactor: 2 ** (1 / 8) });
    expect(status).toMatchObject({ found: true, inProgress: null });
  });

  it("takes a phase's length from its steady rate, not from push times", () => {
    // One runner, 50 iterations/s, pushes every second from t=10.3 s to 18.3 s (8 s of pushes, 400 iterations).
    const points = Array.from({ length: 9 }, (_, i) => ({
      timeMs: 10_300 + i * 1000,
      value: Math.min(400, 15 + i * 50),
    }));
    const { evidence } = buildRemoteEvidence(
      run({ iterations: [{ labels: { testid: "t1", phase: "steady" }, points }] }),
    );
    const phase = evidence.phases.get("steady");
    expect(phase?.iterations).toBe(400);
    // 400 iterations at the median interior rate of 50/s: 8 s, ending at the last push.
    expect(((phase?.lastMs ?? 0) - (phase?.firstMs ?? 0)) / 1000).toBeCloseTo(8, 6);
  });

  it("says a run is in progress only when a second look finds newer samples", () => {
    const vus = [{ labels: { testid: "t1" }, points: [{ timeMs: 999_000, value: 10 }] }];
    expect(
      buildRemoteEvidence(run({ vus, secondLookLastMs: 999_000 })).status.inProgress,
    ).toBeNull();
    expect(
      buildRemoteEvidence(run({ vus, secondLookLastMs: 1_002_000 })).status.inProgress,
    ).toMatch(/still in progress/);
  });

  it("takes the push interval within each runner, not across runners pushing together", () => {
    // Three runners pushing every 5 s, 10 ms apart.
    const vus = [0, 10, 20].map((offset, runner) => ({
      labels: { testid: "t1", instance_id: String(runner + 1) },
      points: [0, 1, 2, 3].map((i) => ({ timeMs: 900_000 + i * 5000 + offset, value: 5 })),
    }));
    expect(buildRemoteEvidence(run({ vus })).status.pushIntervalMs).toBe(5000);
  });

  it("without series says so, and holds no request", () => {
    const { evidence, status } = buildRemoteEvidence(run({}));
    expect(status.found).toBe(false);
    expect(evidence.groups).toEqual([]);
    expect(evidence.findings.map((f) => f.code)).toEqual(["K6_PROMETHEUS_NO_SERIES"]);
  });
});
