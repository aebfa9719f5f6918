import { describe, expect, it } from "vitest";
import {
  chooseBlockSlices,
  drawBlockWeights,
  estimateDependence,
  findVarianceInflation,
} from "../../../src/core/compare/block-bootstrap.js";
import { normalQuantile, studentQuantile } from "../../../src/core/compare/quantiles.js";
import { createSeededRandom, deriveSeed, drawNormal } from "../../../src/core/compare/random.js";

describe("createSeededRandom", () => {
  it("repeats its sequence for a seed and differs between seeds", () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom(42);
    const c = createSeededRandom(43);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
  });

  it("is uniform on [0, 1): mean 1/2, variance 1/12, within sampling error", () => {
    const random = createSeededRandom(7);
    const n = 100_000;
    let sum = 0;
    let squares = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const x = random();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
      squares += x * x;
    }
    const mean = sum / n;
    expect(outside).toBe(0);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(squares / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it("gives standard normal variates", () => {
    const random = createSeededRandom(11);
    const xs = Array.from({ length: 50_000 }, () => drawNormal(random));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
  });

  it("derives distinct seeds per label", () => {
    expect(deriveSeed(1, "baseline")).not.toBe(deriveSeed(1, "candidate"));
    expect(deriveSeed(1, "baseline")).toBe(deriveSeed(1, "baseline"));
  });
});

describe("quantiles", () => {
  // Tabulated values (e.g. any statistics textbook's t table).
  it.each([
    { p: 0.975, nu: Number.POSITIVE_INFINITY, value: 1.959964 },
    { p: 0.95, nu: Number.POSITIVE_INFINITY, value: 1.644854 },
    { p: 0.025, nu: Number.POSITIVE_INFINITY, value: -1.959964 },
    { p: 0.975, nu: 2, value: 4.302653 },
    { p: 0.975, nu: 3, value: 3.182446 },
    { p: 0.975, nu: 5, value: 2.570582 },
    { p: 0.975, nu: 10, value: 2.228139 },
    { p: 0.975, nu: 30, value: 2.042272 },
  ])("t quantile p=$p ν=$nu is $value", ({ p, nu, value }) => {
    const got = Number.isFinite(nu) ? studentQuantile(p, nu) : normalQuantile(p);
    expect(Math.abs(got - value) / Math.abs(value)).toBeLessThan(0.01);
  });
});

function simulateAr1(seed: number, n: number, phi: number): number[] {
  const random = createSeededRandom(seed);
  let level = drawNormal(random) / Math.sqrt(1 - phi * phi);
  return Array.from({ length: n }, () => (level = phi * level + drawNormal(random)));
}

describe("block length and variance inflation", () => {
  it("reads independent slices as independent and drift as drift", () => {
    const iid = estimateDependence([simulateAr1(1, 200, 0), simulateAr1(2, 200, 0)]);
    const drifting = estimateDependence([simulateAr1(3, 200, 0.85), simulateAr1(4, 200, 0.85)]);
    expect(chooseBlockSlices(iid, 200)).toBeLessThanOrEqual(3);
    expect(drifting?.rho ?? 0).toBeGreaterThan(0.7);
    expect(chooseBlockSlices(drifting, 200)).toBeGreaterThan(10);
  });

  it.each([
    { rho: 0, share: 0, n: 100, expected: 1 },
    { rho: 0.9, share: 1, n: 30, expected: 10 }, // capped at n / 3
    { rho: 0.99, share: 1, n: 9, expected: 3 },
  ])("blocks for rho=$rho over $n slices: $expected", ({ rho, share, n, expected }) => {
    expect(chooseBlockSlices({ lag1: rho * share, rho, share }, n)).toBe(expected);
  });

  it("grows with drift and with shortness, and is 1 for independent slices", () => {
    const drift = { lag1: 0.8, rho: 0.8, share: 1 };
    // Independent slices: only the n / (n − 1) of measuring spread about the run's own mean.
    expect(findVarianceInflation({ lag1: 0, rho: 0, share: 0 }, 100, 1)).toBeCloseTo(100 / 99, 6);
    const long = findVarianceInflation(drift, 100, chooseBlockSlices(drift, 100));
    const short = findVarianceInflation(drift, 12, chooseBlockSlices(drift, 12));
    expect(long).toBeGreaterThan(1);
    expect(short).toBeGreaterThan(long);
  });

  it("draws whole circular blocks that add up to the run", () => {
    const weights = new Float64Array(10);
    const random = createSeededRandom(5);
    for (let r = 0; r < 50; r++) {
      drawBlockWeights(random, 10, 4, weights);
      expect(weights.reduce((s, w) => s + w, 0)).toBe(10);
    }
    // Blocks of the whole run: every slice exactly once.
    drawBlockWeights(random, 10, 10, weights);
    expect([...weights]).toEqual(new Array(10).fill(1));
  });
});
