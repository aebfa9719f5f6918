import { describe, expect, it } from "vitest";
import type { ReportInput, Verdict } from "../../src/core/types.js";
import { renderJson } from "../../src/reports/json.js";
import { EMPTY_INPUT, MIXED_INPUT, PASSING_INPUT } from "../fixtures/report-inputs.js";

// Reverses the key order of every object, to show the output doesn't depend on it.
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .reverse()
      .map(([key, entry]) => [key, reverseKeys(entry)]),
  );
}

describe("renderJson", () => {
  it.each<[string, ReportInput]>([
    ["mixed", MIXED_INPUT],
    ["passing", PASSING_INPUT],
    ["empty", EMPTY_INPUT],
  ])("%s: parses back to the verdict, pretty-printed", (_name, input) => {
    const json = renderJson(input);
    expect(JSON.parse(json)).toEqual(input.verdict);
    expect(json.startsWith('{\n  "schemaVersion": 1,\n  "verdict": ')).toBe(true);
    expect(json.endsWith("}\n")).toBe(true);
  });

  it("keeps the contract's key order whatever order the input had", () => {
    const reversed = reverseKeys(MIXED_INPUT) as ReportInput;
    const json = renderJson(reversed);
    expect(json).toBe(renderJson(MIXED_INPUT));
    const parsed = JSON.parse(json) as Verdict;
    expect(Object.keys(parsed)).toEqual([
      "schemaVersion", "verdict", "requiredTier", "achievedTier", "profile",
      "window", "k6", "run", "objectives", "findings",
    ]);
    expect(Object.keys(parsed.window)).toEqual(["from", "to", "kind", "seconds"]);
    expect(Object.keys(parsed.objectives[0] ?? {})).toEqual([
      "id", "source", "verdict", "tier", "value", "unit", "samples", "mandatory", "bounds", "reason",
    ]);
    expect(Object.keys(parsed.objectives[0]?.bounds ?? {})).toEqual(["direction", "target", "good", "excellent"]);
  });

  it("places fields the contract doesn't know after the known ones, sorted", () => {
    const input = {
      ...MIXED_INPUT,
      verdict: { zeta: 1, ...MIXED_INPUT.verdict, alpha: 2 } as unknown as Verdict,
    };
    expect(Object.keys(JSON.parse(renderJson(input)) as object).slice(-3)).toEqual(["findings", "alpha", "zeta"]);
  });

  it("writes the prometheus section after findings, in the contract's key order", () => {
    const prometheus = {
      mismatch: { codes: ["SERVER_COUNT_LOW"], policy: "inconclusive" },
      timing: { queryCount: 14, totalMs: 940, queriesMs: 40, scrapeWaitMs: 900 },
      server: {
        requestsPerSecond: 39.7,
        p95BucketMs: { lowerMs: 100, upperMs: null },
        p95Ms: 145,
        errorRatio: 0.016,
        requests: 1190,
      },
      client: { requestsPerSecond: 40, p95Ms: 122, errorRatio: 0.015, requests: 1200 },
    };
    const input = { ...MIXED_INPUT, verdict: { ...MIXED_INPUT.verdict, prometheus } } as ReportInput;
    const parsed = JSON.parse(renderJson(input)) as Verdict;
    expect(Object.keys(parsed).slice(-2)).toEqual(["findings", "prometheus"]);
    expect(parsed.prometheus).toEqual(prometheus);
    expect(Object.keys(parsed.prometheus ?? {})).toEqual(["client", "server", "timing", "mismatch"]);
    expect(Object.keys(parsed.prometheus?.server ?? {})).toEqual([
      "requests", "errorRatio", "p95Ms", "p95BucketMs", "requestsPerSecond",
    ]);
    expect(Object.keys(parsed.prometheus?.timing ?? {})).toEqual([
      "scrapeWaitMs", "queriesMs", "totalMs", "queryCount",
    ]);
  });

  it("leaves timeline and routes out and redacts credentials", () => {
    const input: ReportInput = {
      ...MIXED_INPUT,
      verdict: { ...MIXED_INPUT.verdict, run: { id: "r", scenario: "s", target: "https://u:pw@127.0.0.1/?sig=zz" } },
    };
    const parsed = JSON.parse(renderJson(input)) as Record<string, unknown> & Verdict;
    expect(parsed.run?.target).toBe("https://***@127.0.0.1/?sig=***");
    expect("timeline" in parsed || "routes" in parsed).toBe(false);
  });
});
