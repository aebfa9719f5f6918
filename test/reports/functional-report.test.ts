import { describe, expect, it } from "vitest";
import { evaluateEvidence } from "../../src/core/evaluate.js";
import { K6Accumulator, type PointTags } from "../../src/core/k6-accumulator.js";
import { resolveProfile } from "../../src/core/profile.js";
import { parseTierTable } from "../../src/core/tiers.js";
import type { Verdict } from "../../src/core/types.js";
import { REPORT_FORMATS, renderReport } from "../../src/reports/write-reports.js";

const UPLOT = { script: "window.uPlot = function () {};", css: ".u {}" };

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
    name: "smoke-like",
    objectives: [{ id: "latency_p95" }, { id: "error_rate" }],
  },
  tiers,
  "smoke-like.yaml",
);

const FAILING_CHECK = "GET /api/v1/users/:id: status 200";

/** A declared-functional run of three requests and checks, one of which failed. */
function failingSmoke() {
  const sink = new K6Accumulator();
  const tags = (extra: Partial<PointTags>): PointTags => ({
    phase: null,
    name: null,
    method: null,
    status: null,
    expected: null,
    scenario: "smoke",
    check: null,
    ...extra,
  });
  const t0 = Date.UTC(2026, 0, 1);
  sink.addPoint(sink.declareMetric("slogate_functional", "counter", "default"), t0, 1, tags({}));
  ["/api/v1/users", "/api/v1/users/:id", "/orders"].forEach((name, i) => {
    const request = tags({ name, method: "GET", status: "200", expected: "true" });
    sink.addPoint(sink.lookupMetric("http_reqs"), t0 + i * 10, 1, request);
    sink.addPoint(sink.lookupMetric("http_req_duration"), t0 + i * 10, 4, request);
    sink.addPoint(sink.lookupMetric("http_req_failed"), t0 + i * 10, 0, request);
  });
  for (const [check, held] of [
    ["GET /api/v1/users: status 200", 1],
    [FAILING_CHECK, 0],
    ["GET /orders: status 200", 1],
  ] as const) {
    sink.addPoint(sink.lookupMetric("checks"), t0 + 5, held, tags({ check }));
  }
  return evaluateEvidence({ profile, evidence: sink.finish() });
}

describe("a functional run in every report format", () => {
  const report = failingSmoke();

  it.each(REPORT_FORMATS)("%s shows the checks objective and names the failing check", (format) => {
    const rendered = renderReport(format, report, { uplot: UPLOT });
    expect(rendered).toContain("checks");
    // Markdown escapes `_`; HTML and XML escape quotes.
    const plain = rendered.replace(/\\_/g, "_");
    expect(plain).toContain(FAILING_CHECK);
    expect(plain).toMatch(/informational/);
  });

  it("json: the contract carries the checks objective as mandatory, latency as informational", () => {
    const verdict = JSON.parse(renderReport("json", report)) as Verdict;
    expect(verdict.verdict).toBe("fail");
    const byId = Object.fromEntries(verdict.objectives.map((o) => [o.id, o]));
    expect([byId.checks?.verdict, byId.checks?.mandatory, byId.checks?.samples]).toEqual([
      "fail",
      true,
      3,
    ]);
    expect(byId.checks?.reason).toBe(`1 of 3 checks failed in the run: "${FAILING_CHECK}" ×1`);
    expect(byId.latency_p95?.mandatory).toBe(false);
  });

  it("junit: the failing check is a failed test case", () => {
    const xml = renderReport("junit", report);
    expect(xml).toMatch(/<testcase name="checks" classname="slogate.k6">\s*<failure /);
    expect(xml).toMatch(/<testcase name="latency_p95"[^>]*>\s*<skipped /);
  });

  it("text: the checks row reads FAIL", () => {
    const text = renderReport("text", report);
    expect(text.split("\n").find((line) => line.startsWith("checks"))).toMatch(/FAIL/);
  });
});
