import { describe, expect, it } from "vitest";
import { compareGroup } from "../../../src/core/compare/compare-group.js";
import { estimateLatencyEffect, prepareRun } from "../../../src/core/compare/latency-effect.js";
import { simulateRun, type SimulatedRunOptions } from "../../../src/core/compare/simulate.js";
import {
  buildQuantileTable,
  readRecordedValues,
  readWeightedQuantile,
} from "../../../src/core/compare/slice-quantiles.js";
import type { Effect, EffectResult, SlicedRun } from "../../../src/core/compare/types.js";
import { mergeHistograms, readPercentileMs } from "../../../src/core/histogram.js";

const small: Omit<SimulatedRunOptions, "seed"> = { slices: 30, requestsPerSlice: 300 };

function pair(
  seed: number,
  options: Partial<SimulatedRunOptions> = {},
  factor = 1,
): [SlicedRun, SlicedRun] {
  return [
    simulateRun({ ...small, ...options, seed: 2 * seed }),
    simulateRun({ ...small, ...options, seed: 2 * seed + 1, latencyFactor: factor }),
  ];
}

function asEffect(result: EffectResult): Effect {
  if (result.kind !== "effect") throw new Error(`expected an effect, got: ${result.reason}`);
  return result;
}

const logWidth = (e: Effect): number => Math.log(e.interval[1] / e.interval[0]);
const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

describe("slice quantiles", () => {
  it("agree with the HDR percentile of the merged histogram, and weights act as repeats", () => {
    const run = simulateRun({
      seed: 9,
      slices: 12,
      requestsPerSlice: 200,
      driftPhi: 0.5,
      driftLogSd: 0.2,
    });
    const recorded = run.slices.map((s) => readRecordedValues(s.histogram));
    for (const percent of [50, 90, 95, 99]) {
      const table = buildQuantileTable(recorded, percent / 100);
      const ones = new Float64Array(run.slices.length).fill(1);
      expect(readWeightedQuantile(table, ones)).toBe(
        (readPercentileMs(mergeHistograms(run.slices.map((s) => s.histogram)), percent) ?? 0) *
          1000,
      );
      const twice = new Float64Array(run.slices.length).fill(0);
      twice[0] = 2;
      twice[3] = 1;
      const [first, , , fourth] = run.slices;
      const repeated = mergeHistograms([first!.histogram, first!.histogram, fourth!.histogram]);
      expect(readWeightedQuantile(table, twice)).toBe(
        (readPercentileMs(repeated, percent) ?? 0) * 1000,
      );
    }
  });
});

describe("latency effect", () => {
  it("A/A on independent data is rarely regressed (none of 20 pairs)", () => {
    let regressed = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const [a, b] = pair(seed);
      const [p95] = compareGroup(a, b, { seed, replicates: 500 });
      if (p95?.verdict === "regressed") regressed++;
    }
    expect(regressed).toBe(0);
  });

  it("calls a 3× shift regressed", () => {
    for (let seed = 1; seed <= 5; seed++) {
      const [a, b] = pair(seed, { driftPhi: 0.8, driftLogSd: 0.1 }, 3);
      const [p95] = compareGroup(a, b, { seed, replicates: 500 });
      expect(p95?.verdict).toBe("regressed");
      expect(asEffect(p95!.effect).interval[0]).toBeLessThan(3);
      expect(asEffect(p95!.effect).interval[1]).toBeGreaterThan(3);
    }
  });

  it("gives the same interval for the same seed", () => {
    const [a, b] = pair(4, { driftPhi: 0.7, driftLogSd: 0.1 });
    const one = compareGroup(a, b, { seed: 17, replicates: 500 });
    const two = compareGroup(a, b, { seed: 17, replicates: 500 });
    expect(two).toEqual(one);
    const other = asEffect(compareGroup(a, b, { seed: 18, replicates: 500 })[0]!.effect);
    expect(other.interval).not.toEqual(asEffect(one[0]!.effect).interval);
  });

  it("is wider for short runs than for long ones", () => {
    const widths = (slices: number): number =>
      median(
        [1, 2, 3, 4, 5].map((seed) => {
          const [a, b] = pair(seed, { slices, driftPhi: 0.5, driftLogSd: 0.1 });
          return logWidth(
            asEffect(
              estimateLatencyEffect(prepareRun(a), prepareRun(b), {
                seed,
                percent: 95,
                replicates: 500,
              }),
            ),
          );
        }),
      );
    expect(widths(10)).toBeGreaterThan(1.5 * widths(60));
  });

  it("is wider under drift than for the same number of independent requests", () => {
    const widths = (driftPhi: number, driftLogSd: number): number =>
      median(
        [1, 2, 3, 4, 5].map((seed) => {
          const [a, b] = pair(seed, { slices: 40, driftPhi, driftLogSd });
          return logWidth(
            asEffect(
              estimateLatencyEffect(prepareRun(a), prepareRun(b), {
                seed,
                percent: 95,
                replicates: 500,
              }),
            ),
          );
        }),
      );
    expect(widths(0.85, 0.15)).toBeGreaterThan(2 * widths(0, 0));
  });

  it("cannot compare a p95 from too few samples (150 requests): inconclusive, never unchanged", () => {
    const a = simulateRun({ seed: 1, slices: 10, requestsPerSlice: 15 });
    const b = simulateRun({ seed: 2, slices: 10, requestsPerSlice: 15 });
    const [p95] = compareGroup(a, b, { seed: 1 });
    expect(p95?.verdict).toBe("inconclusive");
    expect(p95?.reason).toMatch(/needs ≥ 200 \(10 beyond the percentile\)/);
  });

  it("cannot compare runs of too few slices", () => {
    const a = simulateRun({ seed: 1, slices: 5, requestsPerSlice: 1000 });
    const [p95, errors] = compareGroup(a, a, { seed: 1 });
    expect(p95?.verdict).toBe("inconclusive");
    expect(errors?.verdict).toBe("inconclusive");
    expect(p95?.reason).toContain("too few time slices");
  });
});

describe("compareGroup", () => {
  it("calls zero-error runs' error rate unchanged with a finite interval", () => {
    const [a, b] = pair(3, { requestsPerSlice: 3000 });
    const errors = compareGroup(a, b, { seed: 3, replicates: 200 }).find(
      (o) => o.id === "error_rate",
    );
    expect(errors?.verdict).toBe("unchanged");
    const interval = asEffect(errors!.effect).interval;
    expect(interval.every(Number.isFinite)).toBe(true);
  });

  it("calls a +2 pp error rate regressed", () => {
    const a = simulateRun({ ...small, seed: 5, errorRate: 0.01, requestsPerSlice: 1000 });
    const b = simulateRun({ ...small, seed: 6, errorRate: 0.03, requestsPerSlice: 1000 });
    const errors = compareGroup(a, b, { seed: 5, replicates: 200 }).find(
      (o) => o.id === "error_rate",
    );
    expect(errors?.verdict).toBe("regressed");
  });

  it("compares throughput only at the same offered load", () => {
    const [a] = pair(7);
    const halved = simulateRun({ ...small, seed: 99, rateFactor: 0.5 });
    const matched = compareGroup(a, halved, {
      seed: 7,
      replicates: 500,
      throughput: { offered: { kind: "matched" } },
    });
    expect(matched.find((o) => o.id === "throughput")?.verdict).toBe("regressed");
    const differs = compareGroup(a, halved, {
      seed: 7,
      throughput: { offered: { kind: "differs", reason: "baseline 100/s, candidate 50/s" } },
    });
    const throughput = differs.find((o) => o.id === "throughput");
    expect(throughput?.verdict).toBe("inconclusive");
    expect(throughput?.reason).toContain("baseline 100/s, candidate 50/s");
    expect(
      compareGroup(a, a, { seed: 7, replicates: 200 }).some((o) => o.id === "throughput"),
    ).toBe(false);
  });

  it("compares every requested percentile with its own margin", () => {
    const [a, b] = pair(8, {}, 1.5);
    const results = compareGroup(a, b, {
      seed: 8,
      replicates: 300,
      latency: { percents: [50, 99], marginRatio: 1.2 },
    });
    expect(results.map((o) => o.id)).toEqual(["latency_p50", "latency_p99", "error_rate"]);
    expect(results[0]?.margin).toEqual({ kind: "ratio", worse: "higher", ratio: 1.2 });
    expect(results[0]?.verdict).toBe("regressed");
  });
});
