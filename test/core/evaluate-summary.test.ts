import { describe, expect, it } from "vitest";
import { evaluateEvidence } from "../../src/core/evaluate.js";
import type { SummaryEvidence, SummaryMetric } from "../../src/core/evidence.js";
import { resolveProfile } from "../../src/core/profile.js";
import { parseTierTable } from "../../src/core/tiers.js";
import type { RequiredTier } from "../../src/core/types.js";

const tiers = parseTierTable(
  `version: 1
rows:
  api_latency_p95: { unit: ms, direction: max, target: 500, good: 200, excellent: 100 }
  error_rate: { unit: ratio, direction: max, target: 0.01, good: 0.001, excellent: 0.0001 }
`,
  "tiers.yaml",
);

const profile = resolveProfile(
  {
    version: 1,
    name: "two-routes",
    requests: { names: ["/a", "/b"] },
    evaluation: { minWindowSeconds: 1 },
    objectives: [{ id: "latency_p95" }],
  },
  tiers,
  "two-routes.yaml",
);

function entry(
  metric: string,
  tags: Record<string, string>,
  values: Record<string, number>,
): SummaryMetric {
  const keys = Object.keys(tags).sort();
  const key = `${metric}{${keys.map((k) => `${k}:${tags[k]}`).join(",")}}`;
  return { key, metric, tags, type: metric === "http_reqs" ? "counter" : "trend", values };
}

/** A summary as k6 writes it with slogate's steady-scoped thresholds: one p(95) and one count per route. */
function summaryWith(p95a: number, p95b: number, samples = 500): SummaryEvidence {
  const tags = (name: string) => ({ expected_response: "true", name, phase: "steady" });
  return {
    kind: "summary",
    file: "summary.json",
    format: "summary-export",
    metrics: [
      entry("http_req_duration", tags("/a"), { "p(95)": p95a }),
      entry("http_req_duration", tags("/b"), { "p(95)": p95b }),
      entry("http_reqs", tags("/a"), { count: samples }),
      entry("http_reqs", tags("/b"), { count: samples }),
    ],
    thresholds: [],
    durationSeconds: 60,
    generatedAt: null,
    k6Version: null,
    findings: [],
  };
}

// A pooled p95 lies between the routes' p95s, so the pair decides only when
// both ends fall on the same side of the required bound.
describe("pooling per-route summary percentiles", () => {
  it.each([
    {
      name: "both routes below 200 ms pass at good",
      a: 80,
      b: 150,
      require: "target",
      verdict: "pass",
      tier: "good",
    },
    {
      name: "excellent needs both below 100 ms",
      a: 80,
      b: 150,
      require: "excellent",
      verdict: "inconclusive",
      tier: null,
    },
    {
      name: "one route above target cannot be decided",
      a: 250,
      b: 600,
      require: "target",
      verdict: "inconclusive",
      tier: null,
    },
    {
      name: "both routes above target fail",
      a: 600,
      b: 700,
      require: "target",
      verdict: "fail",
      tier: "none",
    },
  ])("$name", ({ a, b, require, verdict, tier }) => {
    const report = evaluateEvidence({
      profile,
      evidence: summaryWith(a, b),
      requiredTier: require as RequiredTier,
    });
    const latency = report.verdict.objectives[0];
    expect([latency?.verdict, latency?.tier]).toEqual([verdict, tier]);
    expect(latency?.samples).toBe(1000);
  });

  it("a route with too few samples leaves the pooled value open", () => {
    const report = evaluateEvidence({ profile, evidence: summaryWith(10, 20, 50) });
    expect(report.verdict.objectives[0]?.verdict).toBe("inconclusive");
    expect(report.verdict.objectives[0]?.reason).toContain("has 50 samples");
  });
});
