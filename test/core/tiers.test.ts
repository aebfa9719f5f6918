import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findTier, meetsBound, parseTierTable } from "../../src/core/tiers.js";
import { ConfigError } from "../../src/errors.js";
import type { TierBounds } from "../../src/core/types.js";

const latency: TierBounds = { direction: "max", target: 500, good: 200, excellent: 100 };
const throughput: TierBounds = { direction: "min", target: 1000, good: 5000, excellent: 10000 };

describe("findTier", () => {
  it.each([
    { name: "well inside excellent", value: 50, bounds: latency, tier: "excellent" },
    {
      name: "exactly on the excellent bound is not excellent (strict <)",
      value: 100,
      bounds: latency,
      tier: "good",
    },
    { name: "just below the good bound", value: 199.999, bounds: latency, tier: "good" },
    {
      name: "exactly on the target bound misses target",
      value: 500,
      bounds: latency,
      tier: "none",
    },
    { name: "far above target", value: 2000, bounds: latency, tier: "none" },
    {
      name: "throughput exactly on target meets it (>=)",
      value: 1000,
      bounds: throughput,
      tier: "target",
    },
    { name: "throughput just below target", value: 999.9, bounds: throughput, tier: "none" },
    {
      name: "throughput exactly on excellent",
      value: 10000,
      bounds: throughput,
      tier: "excellent",
    },
    {
      name: "throughput between good and excellent",
      value: 7000,
      bounds: throughput,
      tier: "good",
    },
  ])("$name", ({ value, bounds, tier }) => {
    expect(findTier(value, bounds)).toBe(tier);
  });

  it.each([
    { value: 0.5, bound: 0.5, direction: "max" as const, meets: false },
    { value: 0.49, bound: 0.5, direction: "max" as const, meets: true },
    { value: 0.5, bound: 0.5, direction: "min" as const, meets: true },
  ])("meetsBound($value, $bound, $direction) = $meets", ({ value, bound, direction, meets }) => {
    expect(meetsBound(value, bound, direction)).toBe(meets);
  });
});

describe("thresholds/tiers.yaml", () => {
  // The seed's Performance Targets table, typed in by hand (percentages as ratios).
  const seed = {
    api_latency_p95: { unit: "ms", direction: "max", target: 500, good: 200, excellent: 100 },
    error_rate: { unit: "ratio", direction: "max", target: 0.01, good: 0.001, excellent: 0.0001 },
    throughput: { unit: "req/s", direction: "min", target: 1000, good: 5000, excellent: 10000 },
    db_query_p95: { unit: "ms", direction: "max", target: 100, good: 50, excellent: 10 },
    cpu: { unit: "ratio", direction: "max", target: 0.7, good: 0.5, excellent: 0.3 },
    memory: { unit: "ratio", direction: "max", target: 0.8, good: 0.6, excellent: 0.4 },
  };

  it("holds exactly the seed's table", () => {
    const file = new URL("../../thresholds/tiers.yaml", import.meta.url).pathname;
    const table = parseTierTable(readFileSync(file, "utf8"), file);
    expect([...table.rows.keys()].sort()).toEqual(Object.keys(seed).sort());
    for (const [name, expected] of Object.entries(seed)) {
      expect(table.rows.get(name), name).toMatchObject(expected);
    }
  });
});

describe("parseTierTable errors", () => {
  const valid = `version: 1
rows:
  api_latency_p95: { unit: ms, direction: max, target: 500, good: 200, excellent: 100 }
`;
  it.each([
    {
      name: "bounds in the wrong order",
      text: valid.replace("target: 500", "target: 50"),
      message: "tiers.yaml: rows.api_latency_p95: bounds must satisfy excellent <= good <= target",
    },
    {
      name: "an unknown unit",
      text: valid.replace("unit: ms", "unit: seconds"),
      message:
        'tiers.yaml: rows.api_latency_p95.unit: not an accepted value; allowed: "ms", "ratio", "req/s"',
    },
    {
      name: "a bound that is not a number",
      text: valid.replace("good: 200", "good: fast"),
      message: "tiers.yaml: rows.api_latency_p95.good: expected number",
    },
    {
      name: "an unknown field",
      text: valid.replace("excellent: 100", "excellent: 100, best: 50"),
      message:
        'tiers.yaml: rows.api_latency_p95: unknown field "best"; allowed: description, unit, direction, target, good, excellent',
    },
    {
      name: "a YAML syntax error",
      text: "version: 1\nrows: {\n",
      message: "tiers.yaml:",
    },
  ])("$name", ({ text, message }) => {
    let error: unknown;
    try {
      parseTierTable(text, "tiers.yaml");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(message);
    expect((error as ConfigError).message).not.toContain("\n");
  });
});
