import { describe, expect, it } from "vitest";
import {
  checkRateContract,
  type RateContractInput,
} from "../../../src/core/capacity/rate-contract.js";

// A 10 s steady phase at RATE=100 asks for 1000 iterations; the pool holds 100 VUs.
const FOLLOWED: RateContractInput = {
  configuredRatePerSecond: 100,
  recordedRatePerSecond: 100,
  steadyPhaseSeen: true,
  steadySeconds: 10,
  completedIterations: 1000,
  droppedIterations: 0,
  maxVUs: 100,
  generatorLimited: false,
  serviceFailed: false,
  hostBusyRatio: 0.2,
};

describe("checkRateContract", () => {
  it.each<[string, Partial<RateContractInput>]>([
    ["exactly as asked", {}],
    ["recorded 19 % high", { recordedRatePerSecond: 119 }],
    ["recorded 19 % low", { recordedRatePerSecond: 81 }],
    ["one iteration more than asked (k6 starts one at t=0)", { completedIterations: 1001 }],
    ["19 % more iterations", { completedIterations: 1190 }],
    // A service too slow for the rate: VUs run out, arrivals are dropped, all counted as offered.
    [
      "a saturated service: dropped arrivals make up the rest",
      { completedIterations: 400, droppedIterations: 550 },
    ],
    // Up to the whole VU pool may still be in flight when the phase ends.
    ["in-flight iterations at the end", { completedIterations: 720 }],
    ["a failing service completes fewer", { completedIterations: 300, serviceFailed: true }],
    ["a limited generator completes fewer", { completedIterations: 300, generatorLimited: true }],
    ["a hung service: only drops, none tagged", { completedIterations: 0, droppedIterations: 900 }],
    // A CPU-starved k6 falls behind without dropping arrivals or being judged limited.
    ["a busy machine completes fewer", { completedIterations: 200, hostBusyRatio: 0.8 }],
    ["fewer with the machine's CPU unknown", { completedIterations: 200, hostBusyRatio: null }],
  ])("follows the contract: %s", (_name, change) => {
    expect(checkRateContract({ ...FOLLOWED, ...change })).toEqual({ kind: "followed" });
  });

  it.each<[string, Partial<RateContractInput>, RegExp]>([
    ["no steady phase", { steadyPhaseSeen: false }, /^ran no iteration tagged phase=steady$/],
    [
      "no offered rate recorded",
      { recordedRatePerSecond: null },
      /^recorded no offered rate \(slogate_offered_rate\) while RATE=100$/,
    ],
    [
      "a fixed offered rate",
      { recordedRatePerSecond: 20, completedIterations: 200 },
      /^recorded an offered rate of 20\/s while RATE=100$/,
    ],
    ["recorded 21 % high", { recordedRatePerSecond: 121 }, /^recorded an offered rate of 121\/s/],
    [
      "a fixed higher rate with RATE recorded",
      { completedIterations: 3000 },
      /^ran 3000 steady iterations \(300\/s\) where RATE=100 over 10 s asks for 1000$/,
    ],
    [
      "a longer steady phase than DURATION_STEADY",
      { completedIterations: 1250 },
      /^ran 1250 steady iterations/,
    ],
    [
      "a fixed lower rate, healthy service",
      { completedIterations: 200 },
      /^ran 200 steady iterations \(20\/s\) where RATE=100 over 10 s asks for 1000, with neither the service nor k6 saturated$/,
    ],
    [
      "a fixed lower rate, the machine half busy",
      { completedIterations: 200, hostBusyRatio: 0.5 },
      /^ran 200 steady iterations/,
    ],
    [
      "fewer than the pool can explain",
      { completedIterations: 650, droppedIterations: 45 },
      /^ran 695 steady iterations/,
    ],
  ])("ignores RATE: %s", (_name, change, problem) => {
    const result = checkRateContract({ ...FOLLOWED, ...change });
    expect(result.kind).toBe("ignored");
    expect(result.kind === "ignored" ? result.problem : "").toMatch(problem);
  });
});
