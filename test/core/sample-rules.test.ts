import { describe, expect, it } from "vitest";
import { findRequiredRequests, findRequiredSamples } from "../../src/core/sample-rules.js";

describe("findRequiredSamples", () => {
  // N such that N × (1 − p) ≥ k: the expected number of samples above the percentile.
  it.each([
    { stat: { kind: "percentile" as const, percent: 95 }, k: 10, samples: 200 },
    { stat: { kind: "percentile" as const, percent: 99 }, k: 10, samples: 1000 },
    { stat: { kind: "percentile" as const, percent: 99.9 }, k: 10, samples: 10000 },
    { stat: { kind: "percentile" as const, percent: 50 }, k: 10, samples: 20 },
    { stat: { kind: "percentile" as const, percent: 90 }, k: 5, samples: 50 },
    { stat: { kind: "percentile" as const, percent: 95 }, k: 1, samples: 20 },
    { stat: { kind: "avg" as const }, k: 10, samples: 10 },
    { stat: { kind: "rate" as const }, k: 10, samples: 1 },
    { stat: { kind: "perSecond" as const }, k: 10, samples: 1 },
  ])("$stat.kind $stat.percent with k=$k needs $samples", ({ stat, k, samples }) => {
    expect(findRequiredSamples(stat, k)).toBe(samples);
  });
});

describe("findRequiredRequests (rule of three)", () => {
  it.each([
    { bound: 0.01, events: 3, requests: 300 },
    { bound: 0.001, events: 3, requests: 3000 },
    { bound: 0.0001, events: 3, requests: 30000 },
    { bound: 0.01, events: 0, requests: 0 },
    { bound: 0, events: 3, requests: Number.POSITIVE_INFINITY },
  ])(
    "showing < $bound with $events events needs $requests requests",
    ({ bound, events, requests }) => {
      expect(findRequiredRequests(bound, events)).toBe(requests);
    },
  );
});
