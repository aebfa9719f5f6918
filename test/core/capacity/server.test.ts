import { describe, expect, it } from "vitest";
import { applyServerBreaches, judgeServerEvidence } from "../../../src/core/capacity/server.js";
import type { CapacityStepJudgement } from "../../../src/core/capacity/step.js";
import type { ExternalMeasurement } from "../../../src/core/measurement.js";
import type { SloProfile } from "../../../src/core/profile.js";
import { loadProfile } from "../../../src/sources/load-profile.js";

/** products-api with the database p95 made mandatory (it is informational in the shipped profile). */
function profileWithMandatoryDb(): SloProfile {
  const { profile } = loadProfile("products-api");
  return {
    ...profile,
    objectives: profile.objectives.map((spec) =>
      spec.id === "db_latency_p95" ? { ...spec, mandatory: true } : spec,
    ),
  };
}

const PASS: CapacityStepJudgement = {
  outcome: "pass",
  limitedBy: null,
  achievedRatePerSecond: 100,
  completedRatio: 1,
  vuDemand: 5,
  reasons: [],
};

function db(
  value: number | null,
  status: ExternalMeasurement["status"] = "ok",
): ExternalMeasurement {
  return { id: "db_latency_p95", value, samples: 1000, status, reason: "no samples in the window" };
}

describe("judgeServerEvidence", () => {
  it("a mandatory database p95 over the required tier's bound is a breach that fails a passing step", () => {
    // tiers.yaml db_query_p95: Good < 50 ms; 61 ms misses it.
    const judged = judgeServerEvidence(profileWithMandatoryDb(), "good", [db(61)], []);
    expect(judged.breaches).toHaveLength(1);
    expect(judged.breaches[0]).toMatch(/^server db_latency_p95 \(Prometheus\): /);
    expect(judged.objectives.find((o) => o.id === "db_latency_p95")).toMatchObject({
      value: 61,
      verdict: "fail",
    });
    const step = applyServerBreaches(PASS, judged.breaches);
    expect(step.outcome).toBe("fail");
    expect(step.limitedBy).toBe("service");
    expect(step.reasons).toEqual(judged.breaches);
  });

  it("the same value passes at Target (< 100 ms): no breach", () => {
    const judged = judgeServerEvidence(profileWithMandatoryDb(), "target", [db(61)], []);
    expect(judged.breaches).toEqual([]);
    expect(applyServerBreaches(PASS, judged.breaches)).toBe(PASS);
  });

  it.each([
    { name: "inconclusive", measurements: [db(null, "inconclusive")] },
    { name: "error", measurements: [db(null, "error")] },
    { name: "missing", measurements: [] },
  ])(
    "$name server evidence keeps the k6 verdict and says the server is not confirmed",
    ({ measurements }) => {
      const judged = judgeServerEvidence(profileWithMandatoryDb(), "good", measurements, []);
      expect(judged.breaches).toEqual([]);
      expect(
        judged.notes.some((note) => note.startsWith("server db_latency_p95 not confirmed")),
      ).toBe(true);
      expect(applyServerBreaches(PASS, judged.breaches).outcome).toBe("pass");
    },
  );

  it("an informational server objective is recorded but neither fails the step nor adds a note", () => {
    const { profile } = loadProfile("products-api");
    const judged = judgeServerEvidence(profile, "good", [db(61)], []);
    expect(judged.breaches).toEqual([]);
    expect(judged.notes.some((note) => note.includes("db_latency_p95"))).toBe(false);
    expect(judged.objectives.find((o) => o.id === "db_latency_p95")?.verdict).toBe("fail");
  });

  it("the server's error ratio is judged against error_rate's bounds", () => {
    const { profile } = loadProfile("products-api");
    const errors: ExternalMeasurement = {
      id: "error_rate",
      value: 0.05,
      samples: 2000,
      status: "ok",
    };
    const judged = judgeServerEvidence(profile, "target", [errors], []);
    expect(judged.breaches).toEqual([expect.stringMatching(/^server error_rate \(Prometheus\): /)]);
  });

  it("cross-check warnings become notes; info findings do not", () => {
    const judged = judgeServerEvidence(
      profileWithMandatoryDb(),
      "good",
      [db(5)],
      [
        { severity: "warning", code: "SERVER_COUNT_LOW", message: "the server counted 10 of 100" },
        { severity: "info", code: "SERVER_AGREES", message: "fine" },
      ],
    );
    expect(judged.notes).toContain("SERVER_COUNT_LOW: the server counted 10 of 100");
    expect(judged.notes.join(" ")).not.toContain("SERVER_AGREES");
  });
});

describe("applyServerBreaches", () => {
  it("a generator-limited step stays one, with the breach among its reasons", () => {
    const limited: CapacityStepJudgement = {
      ...PASS,
      outcome: "generator-limited",
      limitedBy: "generator",
      reasons: ["k6 used 1.9 of the machine's 2 cores"],
    };
    const step = applyServerBreaches(limited, ["server db_latency_p95 (Prometheus): too slow"]);
    expect(step.outcome).toBe("generator-limited");
    expect(step.reasons).toEqual([
      "k6 used 1.9 of the machine's 2 cores",
      "server db_latency_p95 (Prometheus): too slow",
    ]);
  });
});
