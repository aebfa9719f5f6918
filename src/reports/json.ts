import { redactReportInput } from "../redact.js";
import type {
  ComparedRunBlock,
  ComparedRunMetadata,
  ComparisonObjectiveBlock,
  VerdictComparison,
} from "../core/comparison-block.js";
import type { CiMetadata } from "../core/ci-metadata.js";
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
  comparison: 11,
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

type Comparison = VerdictComparison;
const COMPARISON_KEYS: KeyOrder<Comparison> = {
  verdict: 0,
  advisory: 1,
  baseline: 2,
  objectives: 3,
  skipped: 4,
  notes: 5,
};
const COMPARED_RUN_KEYS: KeyOrder<ComparedRunBlock> = { source: 0, read: 1, files: 2, metadata: 3 };
const RUN_METADATA_KEYS: KeyOrder<ComparedRunMetadata> = {
  version: 0,
  createdAt: 1,
  scenario: 2,
  window: 3,
  sliceMs: 4,
  sliceCount: 5,
  requests: 6,
  load: 7,
  profile: 8,
  k6Version: 9,
  ci: 10,
};
const EVIDENCE_WINDOW_KEYS: KeyOrder<NonNullable<ComparedRunMetadata["window"]>> = {
  kind: 0,
  from: 1,
  to: 2,
  seconds: 3,
};
const LOAD_KEYS: KeyOrder<ComparedRunMetadata["load"]> = {
  offeredRatePerSecond: 0,
  achievedRequestRatePerSecond: 1,
  achievedIterationRatePerSecond: 2,
};
const FINGERPRINT_KEYS: KeyOrder<ComparedRunMetadata["profile"]> = {
  name: 0,
  objectivesHash: 1,
  objectives: 2,
};
const CI_KEYS: KeyOrder<CiMetadata> = { provider: 0, commit: 1, branch: 2, runUrl: 3 };
const COMPARED_OBJECTIVE_KEYS: KeyOrder<ComparisonObjectiveBlock> = {
  id: 0,
  source: 1,
  mandatory: 2,
  subject: 3,
  baseline: 4,
  candidate: 5,
  effect: 6,
  scale: 7,
  interval: 8,
  confidence: 9,
  margin: 10,
  verdict: 11,
  reason: 12,
  method: 13,
};
// A union (ratio or difference margin): its keys are listed by hand.
const MARGIN_KEYS: Record<string, number> = { kind: 0, worse: 1, ratio: 2, difference: 2 };
const SKIPPED_KEYS: KeyOrder<Comparison["skipped"][number]> = { id: 0, reason: 1 };

/**
 * The verdict as versioned JSON (schema {@link Verdict}), pretty-printed with
 * a fixed key order so two runs diff cleanly. Timeline and routes are not
 * part of the verdict contract and are left out. A comparison with a
 * baseline (`comparison`) gets the same redaction as the rest: its paths and
 * CI URLs may carry credentials or query values.
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
    comparison: orderComparison,
  });
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

function orderComparison(value: unknown): unknown {
  return orderKeys(value, COMPARISON_KEYS, {
    baseline: (run) =>
      orderKeys(run, COMPARED_RUN_KEYS, {
        metadata: (metadata) =>
          orderKeys(metadata, RUN_METADATA_KEYS, {
            window: (window) => orderKeys(window, EVIDENCE_WINDOW_KEYS),
            load: (load) => orderKeys(load, LOAD_KEYS),
            profile: (profile) => orderKeys(profile, FINGERPRINT_KEYS),
            ci: (ci) => orderKeys(ci, CI_KEYS),
          }),
      }),
    objectives: (objectives) =>
      asArray(objectives).map((objective) =>
        orderKeys(objective, COMPARED_OBJECTIVE_KEYS, {
          margin: (margin) => orderKeys(margin, MARGIN_KEYS),
        }),
      ),
    skipped: (skipped) => asArray(skipped).map((item) => orderKeys(item, SKIPPED_KEYS)),
  });
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
