import { describe, expect, it } from "vitest";
import { parseProfile } from "../../src/core/profile.js";
import { attachPrometheusSection, readClientFigures } from "../../src/core/prometheus-agreement.js";
import { parseTierTable } from "../../src/core/tiers.js";
import type {
  Finding,
  MismatchPolicy,
  ObjectiveResult,
  Outcome,
  PrometheusSection,
  Verdict,
} from "../../src/core/types.js";

// Hand-built verdicts: k6 saw 1200 requests in 30 s, 1.5 % failed, p95 122 ms.
function k6Objective(id: string, value: number | null, samples: number): ObjectiveResult {
  return {
    id,
    source: "k6",
    value,
    unit: id === "latency_p95" ? "ms" : id === "throughput" ? "req/s" : "ratio",
    samples,
    tier: "target",
    verdict: "pass",
    reason: "",
    mandatory: true,
    bounds: { direction: "max", target: 1, good: 1, excellent: 1 },
  };
}

function buildVerdict(
  outcome: Outcome,
  codes: string[],
  objectives = [
    k6Objective("latency_p95", 122, 1200),
    k6Objective("error_rate", 0.015, 1200),
    k6Objective("throughput", 40, 1200),
  ],
): Verdict {
  return {
    schemaVersion: 1,
    verdict: outcome,
    requiredTier: "target",
    achievedTier: outcome === "pass" ? "good" : outcome === "fail" ? "none" : null,
    profile: "users-api",
    window: { from: "a", to: "b", kind: "steady", seconds: 30 },
    k6: { version: null, exitCode: 0, thresholdsPassed: true },
    objectives,
    findings: codes.map((code): Finding => ({ severity: "warning", code, message: code })),
  };
}

const SERVER: PrometheusSection["server"] = {
  requests: 1190,
  errorRatio: 0.016,
  p95Ms: 145,
  requestsPerSecond: 39.7,
  p95BucketMs: { lowerMs: 100, upperMs: 150 },
};
const TIMING: PrometheusSection["timing"] = {
  scrapeWaitMs: 900,
  queriesMs: 40,
  totalMs: 940,
  queryCount: 14,
};

describe("attachPrometheusSection", () => {
  it.each<{
    name: string;
    outcome: Outcome;
    codes: string[];
    policy: MismatchPolicy | undefined;
    expected: Outcome;
    mismatch: string[];
  }>([
    {
      name: "agreement, policy inconclusive: pass stays",
      outcome: "pass",
      codes: [],
      policy: "inconclusive",
      expected: "pass",
      mismatch: [],
    },
    {
      name: "count low, policy finding: pass stays",
      outcome: "pass",
      codes: ["SERVER_COUNT_LOW"],
      policy: "finding",
      expected: "pass",
      mismatch: ["SERVER_COUNT_LOW"],
    },
    {
      name: "count low, no policy (default finding): pass stays",
      outcome: "pass",
      codes: ["SERVER_COUNT_LOW"],
      policy: undefined,
      expected: "pass",
      mismatch: ["SERVER_COUNT_LOW"],
    },
    {
      name: "count low, policy inconclusive: pass → inconclusive",
      outcome: "pass",
      codes: ["SERVER_COUNT_LOW"],
      policy: "inconclusive",
      expected: "inconclusive",
      mismatch: ["SERVER_COUNT_LOW"],
    },
    {
      name: "count high: pass → inconclusive",
      outcome: "pass",
      codes: ["SERVER_COUNT_HIGH"],
      policy: "inconclusive",
      expected: "inconclusive",
      mismatch: ["SERVER_COUNT_HIGH"],
    },
    {
      name: "server p95 far below: pass → inconclusive",
      outcome: "pass",
      codes: ["SERVER_P95_FAR_BELOW_CLIENT"],
      policy: "inconclusive",
      expected: "inconclusive",
      mismatch: ["SERVER_P95_FAR_BELOW_CLIENT"],
    },
    {
      name: "server p95 above client is not gross: pass stays",
      outcome: "pass",
      codes: ["SERVER_P95_ABOVE_CLIENT", "BUCKET_RESOLUTION"],
      policy: "inconclusive",
      expected: "pass",
      mismatch: [],
    },
    {
      name: "a fail stays a fail",
      outcome: "fail",
      codes: ["SERVER_COUNT_LOW"],
      policy: "inconclusive",
      expected: "fail",
      mismatch: ["SERVER_COUNT_LOW"],
    },
    {
      name: "an error stays an error",
      outcome: "error",
      codes: ["SERVER_COUNT_HIGH"],
      policy: "inconclusive",
      expected: "error",
      mismatch: ["SERVER_COUNT_HIGH"],
    },
    {
      name: "two codes, each once",
      outcome: "pass",
      codes: ["SERVER_COUNT_LOW", "SERVER_P95_FAR_BELOW_CLIENT", "SERVER_COUNT_LOW"],
      policy: "inconclusive",
      expected: "inconclusive",
      mismatch: ["SERVER_COUNT_LOW", "SERVER_P95_FAR_BELOW_CLIENT"],
    },
  ])("$name", ({ outcome, codes, policy, expected, mismatch }) => {
    const before = buildVerdict(outcome, codes);
    const after = attachPrometheusSection(before, {
      server: SERVER,
      timing: TIMING,
      ...(policy ? { policy } : {}),
    });
    expect(after.verdict).toBe(expected);
    expect(after.prometheus?.mismatch).toEqual({ policy: policy ?? "finding", codes: mismatch });
    expect(after.prometheus?.server).toEqual(SERVER);
    expect(after.prometheus?.timing).toEqual(TIMING);
    const added = after.findings.filter((finding) => finding.code === "PROMETHEUS_MISMATCH");
    if (expected === "inconclusive" && outcome === "pass") {
      expect(after.achievedTier).toBeNull();
      expect(added).toHaveLength(1);
      for (const code of mismatch) expect(added[0]?.message).toContain(code);
      expect(added[0]?.message).toContain("prometheus.onMismatch: inconclusive");
    } else {
      expect(after.achievedTier).toBe(before.achievedTier);
      expect(added).toHaveLength(0);
    }
    // The input verdict is left as it was.
    expect(before.verdict).toBe(outcome);
    expect(before.prometheus).toBeUndefined();
  });
});

describe("readClientFigures", () => {
  it.each<{ name: string; objectives: ObjectiveResult[]; expected: PrometheusSection["client"] }>([
    {
      name: "from the k6 objectives",
      objectives: [
        k6Objective("latency_p95", 122, 1200),
        k6Objective("error_rate", 0.015, 1200),
        k6Objective("throughput", 40, 1200),
      ],
      expected: { requests: 1200, errorRatio: 0.015, p95Ms: 122, requestsPerSecond: 40 },
    },
    {
      name: "no throughput objective: requests over the 30 s window",
      objectives: [k6Objective("error_rate", 0, 600)],
      expected: { requests: 600, errorRatio: 0, p95Ms: null, requestsPerSecond: 20 },
    },
    {
      name: "Prometheus objectives with the same ids are not k6's figures",
      objectives: [{ ...k6Objective("latency_p95", 300, 900), source: "prometheus" }],
      expected: { requests: null, errorRatio: null, p95Ms: null, requestsPerSecond: null },
    },
  ])("$name", ({ objectives, expected }) => {
    expect(readClientFigures(buildVerdict("pass", [], objectives))).toEqual(expected);
  });
});

describe("prometheus.onMismatch in a profile", () => {
  const tiers = parseTierTable(
    "version: 1\nrows:\n  error_rate: { unit: ratio, direction: max, target: 0.01, good: 0.001, excellent: 0.0001 }\n",
    "tiers.yaml",
  );
  const profileWith = (prometheus: string) =>
    `version: 1\nname: sample\n${prometheus}objectives:\n  - id: error_rate\n`;

  it.each<{ name: string; section: string; expected: MismatchPolicy | undefined }>([
    { name: "unset", section: "", expected: undefined },
    { name: "finding", section: "prometheus:\n  onMismatch: finding\n", expected: "finding" },
    {
      name: "inconclusive",
      section: "prometheus:\n  onMismatch: inconclusive\n",
      expected: "inconclusive",
    },
  ])("$name", ({ section, expected }) => {
    const profile = parseProfile(profileWith(section), "p.yaml", tiers);
    expect(profile.prometheus?.onMismatch).toBe(expected);
  });

  it("refuses another value with one line naming the field and the allowed values", () => {
    expect(() =>
      parseProfile(profileWith("prometheus:\n  onMismatch: fail\n"), "p.yaml", tiers),
    ).toThrow(/p\.yaml: prometheus\.onMismatch: .*finding.*inconclusive/);
  });
});
