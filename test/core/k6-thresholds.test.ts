import { describe, expect, it } from "vitest";
import { buildK6Thresholds, formatThresholdNumber } from "../../src/core/k6-thresholds.js";
import { resolveProfile } from "../../src/core/profile.js";
import { parseTierTable } from "../../src/core/tiers.js";

const tiers = parseTierTable(
  `version: 1
rows:
  api_latency_p95: { unit: ms, direction: max, target: 500, good: 200, excellent: 100 }
  error_rate: { unit: ratio, direction: max, target: 0.01, good: 0.001, excellent: 0.0001 }
  throughput: { unit: req/s, direction: min, target: 1000, good: 5000, excellent: 10000 }
`,
  "tiers.yaml",
);

function profileOf(raw: Record<string, unknown>) {
  return resolveProfile({ version: 1, name: "t", ...raw }, tiers, "t.yaml");
}

const abort = (threshold: string) => ({ threshold, abortOnFail: true, delayAbortEval: "10s" });

describe("buildK6Thresholds", () => {
  it.each([
    {
      name: "every request, steady window: one selector per objective",
      raw: {
        objectives: [
          { id: "latency_p95" },
          { id: "error_rate", abortAt: 0.1 },
          { id: "throughput" },
        ],
      },
      options: {},
      expected: {
        "http_req_duration{expected_response:true,phase:steady}": [
          "p(95)<500",
          abort("p(95)<1500"),
        ],
        "http_reqs{expected_response:true,phase:steady}": ["count>=0"],
        "http_req_failed{phase:steady}": ["rate<0.01", abort("rate<0.1")],
      },
    },
    {
      name: "two routes, one method, required good, whole-run window",
      raw: {
        requests: { names: ["/a/:id", "/b"], methods: ["GET"] },
        evaluation: { window: "all" },
        objectives: [{ id: "latency_p95", abortAt: false }],
      },
      options: { requiredTier: "good" as const },
      expected: {
        "http_req_duration{expected_response:true,method:GET,name:/a/:id}": ["p(95)<200"],
        "http_reqs{expected_response:true,method:GET,name:/a/:id}": ["count>=0"],
        "http_req_duration{expected_response:true,method:GET,name:/b}": ["p(95)<200"],
        "http_reqs{expected_response:true,method:GET,name:/b}": ["count>=0"],
      },
    },
    {
      name: "a custom trend with own bounds; informational objectives get none",
      raw: {
        k6: { abortFactor: 2, delayAbortEval: "30s" },
        objectives: [
          {
            id: "completion",
            metric: "order_completion_time",
            stat: "p(99)",
            unit: "ms",
            bounds: { target: 4000, good: 2000, excellent: 1000 },
          },
          { id: "error_rate", mandatory: false },
        ],
      },
      options: {},
      expected: {
        "order_completion_time{phase:steady}": [
          "p(99)<4000",
          { threshold: "p(99)<8000", abortOnFail: true, delayAbortEval: "30s" },
        ],
      },
    },
    {
      name: "excellent error rate bound written without exponent",
      raw: { objectives: [{ id: "error_rate", abortAt: false }] },
      options: { requiredTier: "excellent" as const },
      expected: { "http_req_failed{phase:steady}": ["rate<0.0001"] },
    },
  ])("$name", ({ raw, options, expected }) => {
    expect(buildK6Thresholds(profileOf(raw), options)).toEqual(expected);
  });

  it.each([
    [0.0001, "0.0001"],
    [1e-7, "0.0000001"],
    [1500, "1500"],
    [0.1, "0.1"],
  ])("formats %d as %s", (value, text) => {
    expect(formatThresholdNumber(value)).toBe(text);
  });
});
