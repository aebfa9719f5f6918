import { describe, expect, it } from "vitest";
import { decideEffect, formatMargin } from "../../../src/core/compare/decide.js";
import type { Effect, Margin } from "../../../src/core/compare/types.js";

const latency: Margin = { kind: "ratio", worse: "higher", ratio: 1.1 };
const throughput: Margin = { kind: "ratio", worse: "lower", ratio: 0.9 };
const errors: Margin = { kind: "difference", worse: "higher", difference: 0.001 };

function effect(
  estimate: number,
  interval: [number, number],
  scale: Effect["scale"] = "ratio",
): Effect {
  return {
    kind: "effect",
    scale,
    baseline: 1,
    candidate: estimate,
    estimate,
    interval,
    confidence: 0.95,
    evidence: { unit: scale === "ratio" ? "slices" : "requests", baseline: 30, candidate: 30 },
    method: "test",
  };
}

describe("decideEffect", () => {
  it.each([
    {
      name: "whole interval above +10 %",
      margin: latency,
      e: effect(1.2, [1.15, 1.3]),
      verdict: "regressed",
    },
    {
      name: "whole interval within ±10 %",
      margin: latency,
      e: effect(1, [0.95, 1.05]),
      verdict: "unchanged",
    },
    {
      name: "whole interval below 1/1.1",
      margin: latency,
      e: effect(0.85, [0.8, 0.88]),
      verdict: "improved",
    },
    {
      name: "interval across +10 %",
      margin: latency,
      e: effect(1.1, [1.02, 1.2]),
      verdict: "inconclusive",
    },
    {
      name: "just inside 1/1.1 is not improved",
      margin: latency,
      e: effect(0.85, [0.8, 0.92]),
      verdict: "inconclusive",
    },
    {
      name: "throughput fell beyond −10 %",
      margin: throughput,
      e: effect(0.75, [0.7, 0.85]),
      verdict: "regressed",
    },
    {
      name: "throughput rose beyond +11 %",
      margin: throughput,
      e: effect(1.3, [1.2, 1.4]),
      verdict: "improved",
    },
    {
      name: "throughput within",
      margin: throughput,
      e: effect(1, [0.95, 1.05]),
      verdict: "unchanged",
    },
    {
      name: "errors up beyond 0.1 pp",
      margin: errors,
      e: effect(0.02, [0.015, 0.025], "difference"),
      verdict: "regressed",
    },
    {
      name: "errors within ±0.1 pp",
      margin: errors,
      e: effect(0, [-0.0005, 0.0006], "difference"),
      verdict: "unchanged",
    },
    {
      name: "errors down beyond 0.1 pp",
      margin: errors,
      e: effect(-0.01, [-0.02, -0.005], "difference"),
      verdict: "improved",
    },
  ])("$name → $verdict", ({ margin, e, verdict }) => {
    expect(decideEffect("x", e, margin).verdict).toBe(verdict);
  });

  it("never reads a missing effect as unchanged", () => {
    const decision = decideEffect(
      "p(95)",
      { kind: "no-effect", baseline: null, candidate: 3, reason: "needs ≥ 200" },
      latency,
    );
    expect(decision).toEqual({ verdict: "inconclusive", reason: "needs ≥ 200" });
  });

  it("says how much more evidence would decide, from the 1/√n scaling", () => {
    // Centred at no change, interval [0.85, 1.15]: to fit inside ±log 1.1 = ±0.0953, the lower
    // half (log 0.85 = −0.1625) must shrink by 0.1625 / 0.0953, i.e. (1.705)² ≈ 2.9× the slices.
    const { verdict, reason } = decideEffect("p(95)", effect(1, [0.85, 1.15]), latency);
    expect(verdict).toBe("inconclusive");
    expect(reason).toContain("about 2.9×");
    expect(reason).toContain("≈ 88 per run instead of 30");
    expect(reason).toContain("no change beyond the margin");
  });

  it("says so when the estimate sits on the margin", () => {
    const { reason } = decideEffect("p(95)", effect(1.1, [1.05, 1.15]), latency);
    expect(reason).toContain("too close to the margin");
  });
});

describe("formatMargin", () => {
  // The better side mirrors the margin on the log scale: 1 / 1.1 = 0.909, 1 / 0.9 = 1.111.
  it.each([
    { margin: latency, text: "+10 % (better: −9.1 %)" },
    { margin: throughput, text: "−10 % (better: +11 %)" },
    { margin: errors, text: "+0.10 pp (better: −0.10 pp)" },
  ])("$text", ({ margin, text }) => {
    expect(formatMargin(margin)).toBe(text);
  });
});
