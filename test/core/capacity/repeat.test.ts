import { describe, expect, it } from "vitest";
import { needsRepeat, reconcileRepeat, type JudgedRun } from "../../../src/core/capacity/repeat.js";
import {
  DEFAULT_STEP_CRITERIA,
  type CapacityStepFigures,
} from "../../../src/core/capacity/step.js";

const FIGURES: CapacityStepFigures = {
  offeredRatePerSecond: 220,
  steadySeconds: 3,
  windowSeconds: 3.3,
  completedIterations: 660,
  droppedIterations: 0,
  requests: 660,
  failedRequests: 0,
  p50Ms: 300,
  p95Ms: 450,
  p99Ms: 480,
  meanIterationMs: 290,
  maxVUs: 220,
  latencyBoundMs: 500,
  k6CpuCores: 0.25,
  hostBusyRatio: 1,
  hostCores: 2,
};

/** A run that completed `achieved` req/s of the offered 220 on a machine `busy` busy. */
function run(
  outcome: "pass" | "fail" | "generator-limited",
  achieved: number,
  busy = 1,
): JudgedRun {
  return {
    figures: { ...FIGURES, hostBusyRatio: busy },
    judgement: {
      outcome,
      limitedBy: outcome === "pass" ? null : outcome === "fail" ? "service" : "generator",
      achievedRatePerSecond: achieved,
      completedRatio: 1,
      vuDemand: 60,
      reasons: outcome === "pass" ? [] : [`${outcome} reason`],
    },
  };
}

describe("needsRepeat", () => {
  it.each([
    { name: "service failure on a saturated machine", first: run("fail", 200, 0.99), repeat: true },
    {
      name: "service failure on a machine with idle CPU",
      first: run("fail", 200, 0.6),
      repeat: false,
    },
    { name: "a pass on a saturated machine", first: run("pass", 220, 1), repeat: false },
    { name: "a generator limit", first: run("generator-limited", 150, 1), repeat: false },
  ])("$name: $repeat", ({ first, repeat }) => {
    expect(needsRepeat(first, DEFAULT_STEP_CRITERIA)).toBe(repeat);
  });
});

describe("reconcileRepeat", () => {
  it.each([
    {
      name: "the repeat passes: the first failure was the machine's noise",
      first: run("fail", 190),
      repeat: run("pass", 219),
      outcome: "pass",
    },
    {
      name: "the repeat fails on a machine with idle CPU: the service",
      first: run("fail", 190),
      repeat: run("fail", 200, 0.7),
      outcome: "fail",
    },
    {
      name: "both plateau at the same rate on a busy machine: a reproducible service limit",
      first: run("fail", 200.3),
      repeat: run("fail", 199.6),
      outcome: "fail",
    },
    {
      name: "both fall behind but at different rates: the machine",
      first: run("fail", 200),
      repeat: run("fail", 170),
      outcome: "generator-limited",
    },
    {
      name: "both fail on latency with every request completed: cannot tell, the machine",
      first: run("fail", 220),
      repeat: run("fail", 219),
      outcome: "generator-limited",
    },
    {
      name: "the repeat shows the generator's limit",
      first: run("fail", 200),
      repeat: run("generator-limited", 150),
      outcome: "generator-limited",
    },
  ])("$name", ({ first, repeat, outcome }) => {
    const judged = reconcileRepeat(first, repeat, DEFAULT_STEP_CRITERIA);
    expect(judged.outcome).toBe(outcome);
    expect(judged.limitedBy).toBe(
      outcome === "pass" ? null : outcome === "fail" ? "service" : "generator",
    );
  });
});
