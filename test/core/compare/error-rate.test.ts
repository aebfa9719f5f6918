import { describe, expect, it } from "vitest";
import {
  estimateDesignEffect,
  estimateErrorRateEffect,
  newcombeInterval,
  wilsonInterval,
} from "../../../src/core/compare/error-rate-effect.js";
import { createHistogram } from "../../../src/core/histogram.js";
import { simulateRun } from "../../../src/core/compare/simulate.js";
import type { SlicedRun } from "../../../src/core/compare/types.js";

const Z95 = 1.959964;

function countsRun(slices: [requests: number, failures: number][]): SlicedRun {
  return {
    slices: slices.map(([requests, failures], i) => ({
      startMs: i * 1000,
      durationMs: 1000,
      histogram: createHistogram(),
      requests,
      failures,
    })),
  };
}

describe("wilsonInterval", () => {
  it("stays finite at zero events: 0 of 10 is [0, 0.2775]", () => {
    // z² / (n + z²) = 3.8415 / 13.8415 (Wilson 1927).
    const [lo, hi] = wilsonInterval(0, 10, Z95);
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(0.2775, 4);
  });
});

describe("newcombeInterval (method 10)", () => {
  // Worked examples of Newcombe (1998), Statistics in Medicine 17:873–890, Table II.
  it.each([
    { e1: 48, n1: 80, e2: 56, n2: 70, lo: 0.0524, hi: 0.3339 },
    { e1: 3, n1: 10, e2: 9, n2: 10, lo: 0.1705, hi: 0.809 },
    { e1: 0, n1: 29, e2: 5, n2: 56, lo: -0.0381, hi: 0.1926 },
  ])("$e2/$n2 − $e1/$n1 is [$lo, $hi]", ({ e1, n1, e2, n2, lo, hi }) => {
    const [low, high] = newcombeInterval(e1, n1, e2, n2, Z95);
    expect(low).toBeCloseTo(lo, 3);
    expect(high).toBeCloseTo(hi, 3);
  });
});

describe("estimateDesignEffect", () => {
  it("is 1 without failures and near 1 for independent failures", () => {
    expect(estimateDesignEffect(countsRun(Array.from({ length: 20 }, () => [1000, 0])), 1)).toBe(1);
    const iid = simulateRun({
      seed: 3,
      slices: 100,
      requestsPerSlice: 1000,
      errorRate: 0.01,
      recordLatencies: false,
    });
    expect(estimateDesignEffect(iid, 1)).toBeLessThan(1.6);
  });

  it("is large when failures come in bursts", () => {
    // 2 of 20 slices fail half their requests, the rest never: 1000 failures, all clustered.
    const slices: [number, number][] = Array.from({ length: 20 }, (_, i) => [
      1000,
      i % 10 === 0 ? 500 : 0,
    ]);
    expect(estimateDesignEffect(countsRun(slices), 1)).toBeGreaterThan(50);
  });
});

describe("estimateErrorRateEffect", () => {
  it("gives a finite interval around 0 when neither run failed, and it is narrow for big runs", () => {
    const run = countsRun(Array.from({ length: 100 }, () => [1000, 0]));
    const effect = estimateErrorRateEffect(run, run);
    expect(effect.kind).toBe("effect");
    if (effect.kind !== "effect") return;
    expect(effect.estimate).toBe(0);
    expect(effect.interval[0]).toBeLessThan(0);
    expect(effect.interval[1]).toBeGreaterThan(0);
    // Zero of 100 000 each side: about ±3.8 / 100 000, far inside ±0.1 pp.
    expect(effect.interval[1]).toBeLessThan(1e-4);
  });

  it("is wider when failures cluster than when the same failures are spread", () => {
    const spread = countsRun(Array.from({ length: 50 }, () => [1000, 10]));
    const clustered = countsRun(
      Array.from({ length: 50 }, (_, i) => [1000, i % 10 === 0 ? 100 : 0]),
    );
    const width = (run: SlicedRun): number => {
      const e = estimateErrorRateEffect(spread, run);
      return e.kind === "effect" ? e.interval[1] - e.interval[0] : Number.NaN;
    };
    expect(width(clustered)).toBeGreaterThan(2 * width(spread));
  });

  it("treats every request as independent when clustering is off", () => {
    const clustered = countsRun(
      Array.from({ length: 50 }, (_, i) => [1000, i % 10 === 0 ? 100 : 0]),
    );
    const spread = countsRun(Array.from({ length: 50 }, () => [1000, 10]));
    const off = estimateErrorRateEffect(spread, clustered, { clustering: false });
    const plain = estimateErrorRateEffect(spread, spread, { clustering: false });
    expect(off.kind === "effect" && plain.kind === "effect").toBe(true);
    if (off.kind !== "effect" || plain.kind !== "effect") return;
    expect(off.interval[1] - off.interval[0]).toBeCloseTo(plain.interval[1] - plain.interval[0], 6);
  });

  it("needs enough slices", () => {
    const run = countsRun([
      [1000, 1],
      [1000, 0],
    ]);
    const effect = estimateErrorRateEffect(run, run);
    expect(effect.kind).toBe("no-effect");
  });
});
