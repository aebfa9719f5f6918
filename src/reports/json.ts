import { redactReportInput } from "../redact.js";
import type {
  Finding,
  ObjectiveResult,
  PrometheusSection,
  ReportInput,
  TierBounds,
  Verdict,
} from "../core/types.js";

// Key order of each object in the contract. `Record<keyof …>` makes the
// compiler reject a list that misses or invents a field, so a field added to
// the contract can't silently drop out of the JSON.
type KeyOrder<T> = Record<keyof T, number>;

const VERDICT_KEYS: KeyOrder<Verdict> = {
  schemaVersion: 0,
  verdict: 1,
  requiredTier: 2,
  achievedTier: 3,
  profile: 4,
  window: 5,
  k6: 6,
  run: 7,
  objectives: 8,
  findings: 9,
  prometheus: 10,
};
const WINDOW_KEYS: KeyOrder<Verdict["window"]> = { from: 0, to: 1, kind: 2, seconds: 3 };
const K6_KEYS: KeyOrder<Verdict["k6"]> = { version: 0, exitCode: 1, thresholdsPassed: 2 };
const RUN_KEYS: KeyOrder<NonNullable<Verdict["run"]>> = { id: 0, scenario: 1, target: 2 };
const OBJECTIVE_KEYS: KeyOrder<ObjectiveResult> = {
  id: 0,
  source: 1,
  verdict: 2,
  tier: 3,
  value: 4,
  unit: 5,
  samples: 6,
  mandatory: 7,
  bounds: 8,
  reason: 9,
};
const BOUNDS_KEYS: KeyOrder<TierBounds> = { direction: 0, target: 1, good: 2, excellent: 3 };
const FINDING_KEYS: KeyOrder<Finding> = { severity: 0, code: 1, message: 2 };
type Section = PrometheusSection;
const PROMETHEUS_KEYS: KeyOrder<Section> = { client: 0, server: 1, timing: 2, mismatch: 3 };
const FIGURE_KEYS: KeyOrder<Section["server"]> = {
  requests: 0,
  errorRatio: 1,
  p95Ms: 2,
  p95BucketMs: 3,
  requestsPerSecond: 4,
};
const TIMING_KEYS: KeyOrder<Section["timing"]> = {
  scrapeWaitMs: 0,
  queriesMs: 1,
  totalMs: 2,
  queryCount: 3,
};

/**
 * The verdict as versioned JSON (schema {@link Verdict}), pretty-printed with
 * a fixed key order so two runs diff cleanly. Timeline and routes are not
 * part of the verdict contract and are left out.
 */
export function renderJson(input: ReportInput): string {
  const { verdict } = redactReportInput(input);
  const ordered = orderKeys(verdict, VERDICT_KEYS, {
    window: (value) => orderKeys(value, WINDOW_KEYS),
    k6: (value) => orderKeys(value, K6_KEYS),
    run: (value) => orderKeys(value, RUN_KEYS),
    objectives: (value) =>
      asArray(value).map((objective) =>
        orderKeys(objective, OBJECTIVE_KEYS, { bounds: (bounds) => orderKeys(bounds, BOUNDS_KEYS) }),
      ),
    findings: (value) => asArray(value).map((finding) => orderKeys(finding, FINDING_KEYS)),
    prometheus: (value) =>
      orderKeys(value, PROMETHEUS_KEYS, {
        client: (figures) => orderKeys(figures, FIGURE_KEYS),
        server: (figures) => orderKeys(figures, FIGURE_KEYS),
        timing: (timing) => orderKeys(timing, TIMING_KEYS),
      }),
  });
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

type Nested = Record<string, (value: unknown) => unknown>;

// Known keys in contract order, then any keys the contract doesn't name
// (an object built by a newer producer) in alphabetical order.
function orderKeys(value: unknown, order: Record<string, number>, nested: Nested = {}): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  entries.sort(([a], [b]) => {
    const rankA = order[a] ?? Number.POSITIVE_INFINITY;
    const rankB = order[b] ?? Number.POSITIVE_INFINITY;
    if (rankA !== rankB) return rankA - rankB;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const result: Record<string, unknown> = {};
  for (const [key, entry] of entries) {
    const transform = nested[key];
    result[key] = transform === undefined ? entry : transform(entry);
  }
  return result;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}
