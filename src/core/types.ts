import type { ComparisonFigures, VerdictComparison } from "./comparison-block.js";

/**
 * The verdict contract (JSON schema version 1). Reports, `slogate check`,
 * `slogate serve` and the Argo hooks all speak this shape; change it only by
 * bumping VERDICT_SCHEMA_VERSION.
 */
export const VERDICT_SCHEMA_VERSION = 1;

/** Ordered worst → best. `none` means not even the Target tier was met. */
export const TIERS = ["none", "target", "good", "excellent"] as const;
export type Tier = (typeof TIERS)[number];
export type RequiredTier = Exclude<Tier, "none">;

export type Outcome = "pass" | "fail" | "inconclusive" | "error";

export type ObjectiveSource = "k6" | "prometheus";

export type Unit = "ms" | "ratio" | "req/s";

/** Bounds of one objective per tier, in the objective's unit. */
export interface TierBounds {
  /** `max`: lower is better and the value must stay below the bound; `min`: at least the bound. */
  direction: "max" | "min";
  target: number;
  good: number;
  excellent: number;
}

export interface ObjectiveResult {
  /** `latency_p95`, `error_rate`, `throughput`, `db_latency_p95`, `cpu`, `memory`, or a profile's own. */
  id: string;
  source: ObjectiveSource;
  /** Null when there was no evidence to compute it from. */
  value: number | null;
  unit: Unit;
  samples: number;
  /** Null when the objective could not be judged (inconclusive/error). */
  tier: Tier | null;
  verdict: Outcome;
  reason: string;
  mandatory: boolean;
  bounds: TierBounds;
}

export interface Finding {
  severity: "info" | "warning";
  code: string;
  message: string;
}

export interface Verdict {
  schemaVersion: typeof VERDICT_SCHEMA_VERSION;
  verdict: Outcome;
  requiredTier: RequiredTier;
  achievedTier: Tier | null;
  profile: string;
  window: { from: string; to: string; kind: "steady" | "all" | "range"; seconds: number };
  k6: {
    version: string | null;
    exitCode: number | null;
    /** k6's own threshold result: true passed, false crossed (exit 99), null unknown. */
    thresholdsPassed: boolean | null;
  };
  objectives: ObjectiveResult[];
  findings: Finding[];
  run?: { id: string; scenario: string; target: string };
  /** Present when Prometheus was queried (`--prometheus`): server and client side by side. */
  prometheus?: PrometheusSection;
  /** Present when the run was compared with a baseline (`--baseline`): did it get worse? */
  comparison?: VerdictComparison;
}

/** Request figures of one source for the verdict's window; null where it gave none. */
export interface TrafficFigures {
  requests: number | null;
  /** Failed share of requests: k6's http_req_failed, the server's 5xx share. */
  errorRatio: number | null;
  p95Ms: number | null;
  requestsPerSecond: number | null;
}

/** What a gross client/server disagreement does to the verdict (profile `prometheus.onMismatch`). */
export type MismatchPolicy = "finding" | "inconclusive";

/** The Prometheus part of a verdict: what the server saw next to what k6 saw, and its cost. */
export interface PrometheusSection {
  client: TrafficFigures;
  server: TrafficFigures & {
    /**
     * The classic-histogram bucket (lowerMs, upperMs] holding the server p95
     * (upperMs null above the last edge): the server figure is only known to
     * this resolution. Null without a classic histogram or a p95.
     */
    p95BucketMs: { lowerMs: number; upperMs: number | null } | null;
  };
  /** Wall-clock time the Prometheus part added to the verdict, in ms. */
  timing: {
    /** Waiting for a scrape past the window's end. */
    scrapeWaitMs: number;
    /** The SLI queries (run in parallel) and the bucket-edge lookups. */
    queriesMs: number;
    totalMs: number;
    queryCount: number;
  };
  /** The policy applied and the cross-check codes that count as a gross mismatch and fired. */
  mismatch: { policy: MismatchPolicy; codes: string[] };
}

/** One time bucket of the run, for charts. Latencies in ms; null where the bucket had no requests. */
export interface TimelinePoint {
  /** Bucket start, Unix ms. */
  startMs: number;
  seconds: number;
  requests: number;
  failed: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** One row per route (`name` tag) and method, inside the evaluated window. */
export interface RouteRow {
  name: string;
  method: string;
  requests: number;
  failed: number;
  ratePerSecond: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** Everything a report renders: the verdict plus the detail behind it. */
export interface ReportInput {
  verdict: Verdict;
  timeline: TimelinePoint[];
  routes: RouteRow[];
  /** Query parameters whose values reports may show (the profile's `redaction`); absent: none. */
  redaction?: { showQueryValues: readonly string[] };
  /** With a baseline: both runs' latency spectra and timelines, for the HTML report. */
  comparisonFigures?: ComparisonFigures;
}
