import { describe, expect, it } from "vitest";
import type { CapacityStep } from "../../../src/core/capacity/result.js";
import type { StopReason } from "../../../src/core/capacity/search.js";
import {
  buildCapacityResult,
  findHighestAchievedRate,
  type CapacityRunFacts,
} from "../../../src/core/capacity/summary.js";
import { makeStep, PLAN } from "./fixtures.js";

const FACTS: CapacityRunFacts = {
  runId: "capacity-20260101-000000",
  target: "http://***@127.0.0.1:8080",
  profile: "products-api",
  k6Version: "v2.2.0",
  startedAt: "2026-01-01T00:00:00.000Z",
  endedAt: "2026-01-01T00:02:00.000Z",
  wallSeconds: 120,
};

describe("findHighestAchievedRate", () => {
  it.each([
    { name: "no steps", steps: [], expected: null },
    { name: "only unjudged steps", steps: [makeStep(1, 100, "error")], expected: null },
    {
      name: "a repeated run counts: k6 did complete that much",
      steps: [
        makeStep(1, 100, "pass"),
        makeStep(2, 400, "fail", { repeated: true, achievedRatePerSecond: 310 }),
        makeStep(3, 400, "fail", { achievedRatePerSecond: 260 }),
      ],
      expected: 310,
    },
  ])("$name: $expected", ({ steps, expected }) => {
    expect(findHighestAchievedRate(steps)).toBe(expected);
  });
});

describe("buildCapacityResult", () => {
  const cases: {
    name: string;
    steps: CapacityStep[];
    stoppedBy: StopReason;
    kind: string;
    statement: string;
    capacity: number | null;
    findings: { code: string; message?: string }[];
  }[] = [
    {
      name: "a bracket within the precision",
      steps: [
        makeStep(1, 100, "pass"),
        makeStep(2, 200, "pass"),
        makeStep(3, 210, "fail", { achievedRatePerSecond: 204 }),
      ],
      stoppedBy: "precision",
      kind: "found",
      statement: "capacity 200 req/s (first failing 210 req/s)",
      capacity: 200,
      findings: [],
    },
    {
      name: "a step that could not be judged: the first warning names it",
      steps: [
        makeStep(1, 100, "pass"),
        makeStep(2, 200, "error", { reasons: ["k6 crashed", "see k6.log"] }),
      ],
      stoppedBy: "inconclusive",
      kind: "lower-bound",
      statement: "at least 100 req/s (stopped: inconclusive)",
      capacity: 100,
      findings: [
        { code: "CAPACITY_STEP_ERROR", message: "step 2 at 200 req/s: k6 crashed; see k6.log" },
      ],
    },
    {
      name: "interrupted after two steps",
      steps: [makeStep(1, 100, "pass"), makeStep(2, 200, "interrupted")],
      stoppedBy: "interrupted",
      kind: "lower-bound",
      statement: "at least 100 req/s (stopped: interrupted)",
      capacity: 100,
      findings: [{ code: "CAPACITY_INTERRUPTED" }],
    },
    {
      name: "a repeated failure does not count; the repeat's pass does",
      steps: [
        makeStep(1, 100, "pass"),
        makeStep(2, 200, "fail", { repeated: true, hostBusyRatio: 1 }),
        makeStep(3, 200, "pass", { reason: "repeat" }),
      ],
      stoppedBy: "budget",
      kind: "lower-bound",
      statement: "at least 200 req/s (stopped: budget)",
      capacity: 200,
      findings: [{ code: "CAPACITY_BUDGET" }],
    },
  ];
  it.each(cases)("$name", ({ steps, stoppedBy, kind, statement, capacity, findings }) => {
    const result = buildCapacityResult(PLAN, steps, stoppedBy, FACTS);
    expect(result).toMatchObject({
      schemaVersion: 1,
      kind,
      statement,
      capacityRatePerSecond: capacity,
      stoppedBy,
      steps,
    });
    expect(result.findings.map((finding) => finding.code)).toEqual(
      findings.map((finding) => finding.code),
    );
    expect(result.findings.every((finding) => finding.severity === "warning")).toBe(true);
    for (const [index, finding] of findings.entries()) {
      if (finding.message !== undefined) {
        expect(result.findings[index]?.message).toBe(finding.message);
      }
    }
  });

  it("carries the plan and the run's facts as given", () => {
    const result = buildCapacityResult(PLAN, [makeStep(1, 100, "pass")], "ceiling", FACTS);
    expect(result).toMatchObject({
      target: "http://***@127.0.0.1:8080",
      profile: "products-api",
      scenario: "capacity",
      requiredTier: "target",
      latencyBoundMs: 500,
      stoppedBy: "ceiling",
      settings: {
        startRatePerSecond: 100,
        maxRatePerSecond: 10_000,
        warmUpSeconds: 5,
        steadySeconds: 10,
        budgetSeconds: 600,
        criteria: PLAN.criteria,
      },
      highestAchievedRatePerSecond: 100,
      k6: { version: "v2.2.0" },
      startedAt: "2026-01-01T00:00:00.000Z",
      endedAt: "2026-01-01T00:02:00.000Z",
      wallSeconds: 120,
      runId: "capacity-20260101-000000",
      kind: "ceiling-reached",
      throughputTier: "target",
    });
  });
});
