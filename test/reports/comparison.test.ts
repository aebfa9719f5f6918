import { describe, expect, it } from "vitest";
import { compareRuns, describeEvidence, type ComparisonReport } from "../../src/core/compare-runs.js";
import { renderComparisonJson } from "../../src/reports/comparison-json.js";
import { renderComparisonMarkdown } from "../../src/reports/comparison-markdown.js";
import { renderComparisonText } from "../../src/reports/comparison-text.js";
import { loadProfile } from "../../src/sources/load-profile.js";
import { buildSyntheticEvidence } from "../core/evidence-run.js";

const generic = loadProfile("generic").profile;
const baseline = buildSyntheticEvidence({ seed: 1, seconds: 120, ratePerSecond: 100, profile: generic });
const candidate = buildSyntheticEvidence({
  seed: 2,
  seconds: 120,
  ratePerSecond: 100,
  latencyFactor: 2,
  profile: generic,
});
const report: ComparisonReport = {
  profile: { name: "generic", file: "generic.yaml" },
  baseline: { source: "base/", read: "k6-ndjson", files: ["base/k6.ndjson"], metadata: describeEvidence(baseline) },
  candidate: { source: "cand.json", read: "evidence", files: ["cand.json"], metadata: describeEvidence(candidate) },
  comparison: compareRuns({ baseline, candidate, profile: generic }),
};

describe("comparison reports", () => {
  it("text: the verdict, both runs and one block per objective", () => {
    const text = renderComparisonText(report);
    expect(text).toMatch(/^slogate compare: REGRESSED \(profile generic\)\n/);
    expect(text).toMatch(/baseline: {2}base\/ · scenario load · steady window/);
    // Twice the latency: about +100 %.
    expect(text).toMatch(/REGRESSED {4}latency_p95: [\d.]+ ms → [\d.]+ ms, change \+(9\d|10\d) %/);
    expect(text).toMatch(/UNCHANGED {4}error_rate: 0 % → 0 %/);
  });

  it("Markdown: a table row per objective, the verdict in bold", () => {
    const markdown = renderComparisonMarkdown(report);
    expect(markdown).toMatch(/^### slogate compare: REGRESSED$/m);
    expect(markdown).toMatch(
      /^\| objective \| baseline \| candidate \| change \| 95 % interval \| margin \| verdict \| reason \|$/m,
    );
    expect(markdown).toMatch(/^\| latency\\_p95 \| [\d.]+ ms \| [\d.]+ ms \| \+\d+ % \| \[\+\d+ %, \+\d+ %\] \| 10 % \| \*\*REGRESSED\*\* \|/m);
    expect(markdown).toMatch(/^\| throughput \(informational\) \|/m);
  });

  it("JSON: baseline source and metadata, objectives with effect, interval, margin, verdict and reason", () => {
    const json = JSON.parse(renderComparisonJson(report)) as {
      verdict: string;
      baseline: { source: string; metadata: { requests: number; scenario: string } };
      objectives: { id: string; effect: number; interval: [number, number]; margin: { ratio: number }; verdict: string; reason: string }[];
    };
    expect(json.verdict).toBe("regressed");
    expect(json.baseline.source).toBe("base/");
    expect(json.baseline.metadata.requests).toBe(12_000);
    const latency = json.objectives.find((o) => o.id === "latency_p95");
    expect(latency?.verdict).toBe("regressed");
    expect(latency?.effect).toBeGreaterThan(1.8);
    expect(latency?.interval[0]).toBeGreaterThan(1.1);
    expect(latency?.margin.ratio).toBe(1.1);
    expect(latency?.reason).toMatch(/the whole interval is worse than the margin/);
  });
});
