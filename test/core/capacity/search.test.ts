import { describe, expect, it } from "vitest";
import {
  decideNextStep,
  summarizeCapacity,
  type CapacitySearchSettings,
  type SearchBudget,
  type SearchStep,
  type StopReason,
} from "../../../src/core/capacity/search.js";
import type { TierBounds } from "../../../src/core/types.js";

const THROUGHPUT: TierBounds = { direction: "min", target: 1000, good: 5000, excellent: 10000 };

const SETTINGS: CapacitySearchSettings = {
  startRatePerSecond: 100,
  minRatePerSecond: 50,
  maxRatePerSecond: 10_000,
  growthFactor: 2,
  precisionRatio: 0.05,
  maxSteps: 20,
};

/**
 * A service model independent of the code under test: it completes at most
 * `capacity` req/s, so a step passes while the offered rate is delivered
 * within `slack` (the 95% delivery rule lets up to ~5% over through) and a
 * saturated step completes at its capacity. `generatorLimit`: k6 cannot
 * offer more than that.
 */
interface Model {
  capacity: number;
  slack?: number;
  generatorLimit?: number;
  /** Rates at which the machine misbehaved: the step fails whatever the model says. */
  noisyFailures?: number[];
}

function runStep(model: Model, rate: number): Omit<SearchStep, "reason"> {
  if (model.generatorLimit !== undefined && rate > model.generatorLimit) {
    return {
      ratePerSecond: rate,
      outcome: "generator-limited",
      achievedRatePerSecond: model.generatorLimit,
    };
  }
  if (model.noisyFailures?.includes(rate)) {
    return { ratePerSecond: rate, outcome: "fail", achievedRatePerSecond: rate * 0.9 };
  }
  const passes = rate <= model.capacity * (1 + (model.slack ?? 0));
  return {
    ratePerSecond: rate,
    outcome: passes ? "pass" : "fail",
    achievedRatePerSecond: Math.min(rate, model.capacity),
  };
}

function simulate(
  model: Model,
  settings: CapacitySearchSettings = SETTINGS,
  budget: (steps: SearchStep[]) => SearchBudget | null = () => null,
): { steps: SearchStep[]; stop: StopReason } {
  const steps: SearchStep[] = [];
  for (let guard = 0; guard < 100; guard++) {
    const next = decideNextStep(steps, settings, budget(steps));
    if (next.kind === "stop") return { steps, stop: next.reason };
    expect(next.ratePerSecond).toBeGreaterThanOrEqual(settings.minRatePerSecond);
    expect(next.ratePerSecond).toBeLessThanOrEqual(settings.maxRatePerSecond);
    expect(steps.map((step) => step.ratePerSecond)).not.toContain(next.ratePerSecond);
    steps.push({ ...runStep(model, next.ratePerSecond), reason: next.reason });
  }
  throw new Error("the search did not stop in 100 steps");
}

describe("decideNextStep against a service of known capacity", () => {
  it.each([
    { name: "200 req/s, exact edge", capacity: 200, slack: 0, maxSteps: 6 },
    { name: "200 req/s, 5% delivery slack", capacity: 200, slack: 0.05, maxSteps: 6 },
    { name: "400 req/s", capacity: 400, slack: 0.03, maxSteps: 6 },
    { name: "137 req/s (odd number)", capacity: 137, slack: 0.02, maxSteps: 6 },
    { name: "3333 req/s", capacity: 3333, slack: 0.04, maxSteps: 9 },
    { name: "below the start rate", capacity: 70, slack: 0, maxSteps: 6 },
  ])("$name: brackets the capacity within the precision", ({ capacity, slack, maxSteps }) => {
    const { steps, stop } = simulate({ capacity, slack });
    expect(stop).toBe("precision");
    const result = summarizeCapacity(steps, stop, THROUGHPUT);
    expect(result.kind).toBe("found");
    const found = result.capacityRatePerSecond ?? 0;
    const failing = result.firstFailingRatePerSecond ?? 0;
    // The model passes exactly the rates ≤ capacity × (1 + slack).
    expect(found).toBeLessThanOrEqual(capacity * (1 + slack));
    expect(failing).toBeGreaterThan(capacity * (1 + slack));
    expect((failing - found) / found).toBeLessThanOrEqual(SETTINGS.precisionRatio + 1e-9);
    expect(steps.length).toBeLessThanOrEqual(maxSteps);
  });

  it("bisects when the failing step gives no useful hint (latency breach, all completed)", () => {
    // Fails by latency: achieved equals offered, so only bisection narrows.
    const steps: SearchStep[] = [
      { ratePerSecond: 100, outcome: "pass", reason: "start", achievedRatePerSecond: 100 },
      { ratePerSecond: 200, outcome: "pass", reason: "grow", achievedRatePerSecond: 200 },
      { ratePerSecond: 400, outcome: "fail", reason: "grow", achievedRatePerSecond: 400 },
    ];
    expect(decideNextStep(steps, SETTINGS)).toEqual({
      kind: "step",
      ratePerSecond: 300,
      reason: "bisect",
    });
  });

  it("probes the failing step's achieved rate, then just above it", () => {
    const steps: SearchStep[] = [
      { ratePerSecond: 100, outcome: "pass", reason: "start", achievedRatePerSecond: 100 },
      { ratePerSecond: 200, outcome: "pass", reason: "grow", achievedRatePerSecond: 200 },
      { ratePerSecond: 400, outcome: "fail", reason: "grow", achievedRatePerSecond: 310.7 },
    ];
    expect(decideNextStep(steps, SETTINGS)).toEqual({
      kind: "step",
      ratePerSecond: 310,
      reason: "hint",
    });
    steps.push({ ratePerSecond: 310, outcome: "pass", reason: "hint", achievedRatePerSecond: 310 });
    // 310 × 1.05 = 325.5, rounded up.
    expect(decideNextStep(steps, SETTINGS)).toEqual({
      kind: "step",
      ratePerSecond: 326,
      reason: "edge",
    });
  });

  it("stops at the ceiling when every rate passes", () => {
    const { steps, stop } = simulate({ capacity: 1e9 }, { ...SETTINGS, maxRatePerSecond: 1000 });
    expect(stop).toBe("ceiling");
    expect(steps.map((step) => step.ratePerSecond)).toEqual([100, 200, 400, 800, 1000]);
    const result = summarizeCapacity(steps, stop, THROUGHPUT);
    expect(result).toMatchObject({
      kind: "ceiling-reached",
      atLeast: true,
      capacityRatePerSecond: 1000,
      throughputTier: "target",
    });
    expect(result.statement).toBe("at least 1000 req/s (every rate up to the ceiling passed)");
  });

  it("narrows the load generator's own limit and reports it as a lower bound", () => {
    const { steps, stop } = simulate({ capacity: 1e6, generatorLimit: 1500 });
    expect(stop).toBe("generator");
    const result = summarizeCapacity(steps, stop, THROUGHPUT);
    expect(result).toMatchObject({
      kind: "generator-limited",
      atLeast: true,
      firstFailingRatePerSecond: null,
      throughputTier: "target",
    });
    // The model's generator delivers up to 1500 req/s: the bound is within the precision of it.
    const bound = result.capacityRatePerSecond ?? 0;
    expect(bound).toBeLessThanOrEqual(1500);
    expect(bound).toBeGreaterThanOrEqual(1500 / (1 + SETTINGS.precisionRatio));
    expect(result.generatorLimitRatePerSecond).toBeGreaterThan(1500);
    expect(result.statement).toBe(`at least ${bound} req/s (limited by the load generator)`);
    expect(steps.filter((step) => step.outcome === "fail")).toEqual([]);
  });

  it("a service failure below the generator's limit is a capacity, not a lower bound", () => {
    const { steps, stop } = simulate({ capacity: 1200, generatorLimit: 1500 });
    const result = summarizeCapacity(steps, stop, THROUGHPUT);
    expect(result.kind).toBe("found");
    expect(result.capacityRatePerSecond).toBeLessThanOrEqual(1200);
  });

  it("says so when k6 cannot deliver even the lowest rate", () => {
    const { steps, stop } = simulate({ capacity: 1e6, generatorLimit: 10 });
    expect(stop).toBe("generator");
    const result = summarizeCapacity(steps, stop, THROUGHPUT);
    expect(result.kind).toBe("generator-limited");
    expect(result.capacityRatePerSecond).toBeNull();
    expect(result.statement).toMatch(/^no result: the load generator could not offer \d+ req\/s/);
  });

  it("shrinks below the start rate and gives up at the floor", () => {
    const { steps, stop } = simulate({ capacity: 10 });
    expect(stop).toBe("no-passing-rate");
    expect(steps.map((step) => step.ratePerSecond)).toEqual([100, 50]);
    expect(summarizeCapacity(steps, stop, THROUGHPUT).kind).toBe("no-passing-rate");
  });

  it("keeps the lowest failing rate when the machine made a lower rate fail once", () => {
    // 800 fails by noise: the bracket closes below it, never above a failure.
    const { steps, stop } = simulate({ capacity: 3000, noisyFailures: [800] });
    expect(stop).toBe("precision");
    const result = summarizeCapacity(steps, stop, THROUGHPUT);
    expect(result.firstFailingRatePerSecond).toBe(800);
    expect(result.capacityRatePerSecond).toBeLessThan(800);
  });

  it("stops when the budget cannot hold another step", () => {
    const stepSeconds = 10;
    const { steps, stop } = simulate({ capacity: 5000 }, SETTINGS, (done) => ({
      remainingSeconds: 35 - done.length * stepSeconds,
      nextStepSeconds: stepSeconds,
    }));
    expect(stop).toBe("budget");
    expect(steps).toHaveLength(3);
    const result = summarizeCapacity(steps, stop, THROUGHPUT);
    expect(result).toMatchObject({
      kind: "lower-bound",
      atLeast: true,
      capacityRatePerSecond: 400,
    });
    expect(result.statement).toBe("at least 400 req/s (stopped: budget)");
  });

  it("stops after maxSteps", () => {
    const { steps, stop } = simulate({ capacity: 5000 }, { ...SETTINGS, maxSteps: 2 });
    expect(stop).toBe("max-steps");
    expect(steps).toHaveLength(2);
  });

  it("starts at the start rate clamped into [min, max]", () => {
    expect(decideNextStep([], { ...SETTINGS, startRatePerSecond: 10 })).toEqual({
      kind: "step",
      ratePerSecond: 50,
      reason: "start",
    });
    expect(decideNextStep([], { ...SETTINGS, startRatePerSecond: 1e6 })).toEqual({
      kind: "step",
      ratePerSecond: 10_000,
      reason: "start",
    });
  });
});

describe("summarizeCapacity throughput tier", () => {
  it.each([
    { capacity: 999, tier: "none" },
    { capacity: 1000, tier: "target" },
    { capacity: 5000, tier: "good" },
    { capacity: 12_000, tier: "excellent" },
  ])("$capacity req/s reaches $tier", ({ capacity, tier }) => {
    const steps: SearchStep[] = [
      {
        ratePerSecond: capacity,
        outcome: "pass",
        reason: "start",
        achievedRatePerSecond: capacity,
      },
      {
        ratePerSecond: capacity + 10,
        outcome: "fail",
        reason: "grow",
        achievedRatePerSecond: capacity,
      },
    ];
    const result = summarizeCapacity(steps, "precision", THROUGHPUT);
    expect(result.throughputTier).toBe(tier);
    expect(result.statement).toBe(
      `capacity ${capacity} req/s (first failing ${capacity + 10} req/s)`,
    );
  });
});
