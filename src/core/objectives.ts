import { STAT_PATTERN, type ProfilePrometheusEntry } from "./profile-schema.js";
import type { ObjectiveSource, RequiredTier, TierBounds, Unit } from "./types.js";

/** How an objective condenses samples into one number. */
export type Stat =
  | { kind: "percentile"; percent: number }
  | { kind: "avg" | "min" | "max" | "rate" | "count" | "perSecond" | "value" };

/** Which requests an http_req_* objective covers; null means every one. */
export interface RequestScope {
  names: string[] | null;
  methods: string[] | null;
}

export type ObjectiveMeasure =
  | {
      kind: "k6";
      metric: string;
      stat: Stat;
      /** Only for http_req_* metrics; null for others. */
      scope: RequestScope | null;
      /** `expected`: latency of responses k6 counted as expected (expected_response=true). */
      responses: "expected" | "all";
    }
  /** query null: the built-in memory objective, measured against the memory limit given. */
  | { kind: "prometheus"; query: string | null };

export interface ObjectiveSpec {
  id: string;
  description: string;
  source: ObjectiveSource;
  mandatory: boolean;
  unit: Unit;
  bounds: TierBounds;
  /** The tiers.yaml row the bounds came from, or null for the objective's own bounds. */
  tierRow: string | null;
  measure: ObjectiveMeasure;
  /** Gross-breach level for k6's abortOnFail, or null: never abort on this objective. */
  abortAt: number | null;
}

/** How a run is judged (profile `evaluation.kind`); `auto` follows the scenario's declareFunctional(). */
export type EvaluationKind = "auto" | "slo" | "functional";

export interface EvaluationSettings {
  kind: EvaluationKind;
  window: "steady" | "all";
  minWindowSeconds: number;
  /** Percentile objectives need at least this many samples above the percentile (see sample-rules.ts). */
  minTailSamples: number;
  /** Rate objectives claim a bound b only with at least minRateEvents / b requests (see sample-rules.ts). */
  minRateEvents: number;
  /** The achieved iteration rate must reach this share of slogate_offered_rate. */
  minOfferedRatio: number;
}

/** A validated profile with tiers resolved: everything evaluation and k6 thresholds need. */
export interface SloProfile {
  name: string;
  file: string;
  description: string;
  requiredTier: RequiredTier;
  evaluation: EvaluationSettings;
  k6: { abortFactor: number; delayAbortEval: string };
  /** The profile's `prometheus:` section (series names, selector, limits); absent: defaults. */
  prometheus?: ProfilePrometheusEntry;
  /** Query parameters whose values reports may show (profile `redaction.showQueryValues`); absent: none. */
  redaction?: { showQueryValues: string[] };
  /** Regression margins (profile `regression:`) as fractions; absent: the defaults. */
  regression?: RegressionMargins;
  objectives: ObjectiveSpec[];
}

/** Profile `regression:`: margins per kind of objective and per objective id, as fractions. */
export interface RegressionMargins {
  latency?: number;
  errorRate?: number;
  throughput?: number;
  objectives: Record<string, number>;
}

export interface BuiltIn {
  source: ObjectiveSource;
  tier: string;
  unit: Unit;
  measure: ObjectiveMeasure;
  description: string;
}

const ALL_REQUESTS = null;

/** The objectives of the seed's table, by id; a profile names them and may narrow or re-bound them. */
export const BUILT_IN_OBJECTIVES: Readonly<Record<string, BuiltIn>> = {
  latency_p95: {
    source: "k6",
    tier: "api_latency_p95",
    unit: "ms",
    description: "95th percentile of http_req_duration",
    measure: {
      kind: "k6",
      metric: "http_req_duration",
      stat: { kind: "percentile", percent: 95 },
      scope: ALL_REQUESTS,
      responses: "expected",
    },
  },
  error_rate: {
    source: "k6",
    tier: "error_rate",
    unit: "ratio",
    description: "share of requests k6 counted as failed (http_req_failed)",
    measure: {
      kind: "k6",
      metric: "http_req_failed",
      stat: { kind: "rate" },
      scope: ALL_REQUESTS,
      responses: "all",
    },
  },
  throughput: {
    source: "k6",
    tier: "throughput",
    unit: "req/s",
    description: "achieved requests per second in the window (http_reqs)",
    measure: {
      kind: "k6",
      metric: "http_reqs",
      stat: { kind: "perSecond" },
      scope: ALL_REQUESTS,
      responses: "all",
    },
  },
  db_latency_p95: {
    source: "prometheus",
    tier: "db_query_p95",
    unit: "ms",
    description: "95th percentile of db_query_duration_seconds",
    measure: {
      kind: "prometheus",
      query:
        "histogram_quantile(0.95, sum by (le) (rate(db_query_duration_seconds_bucket[1m]))) * 1000",
    },
  },
  cpu: {
    source: "prometheus",
    tier: "cpu",
    unit: "ratio",
    description: "CPU seconds per second (1.0 = one full core)",
    measure: { kind: "prometheus", query: "sum(rate(process_cpu_seconds_total[1m]))" },
  },
  memory: {
    source: "prometheus",
    tier: "memory",
    unit: "ratio",
    description: "resident memory over the memory limit",
    // The ratio's denominator is the deployment's limit: --memory-limit-bytes or
    // the profile's prometheus.memoryLimitBytes; without either it is inconclusive.
    measure: { kind: "prometheus", query: null },
  },
};

export const HTTP_METRICS = new Set(["http_req_duration", "http_req_failed", "http_reqs"]);

/** Parses `p(95)`, `avg`, … (already checked against STAT_PATTERN by the schema). */
export function parseStat(text: string): Stat {
  const match = STAT_PATTERN.exec(text);
  if (match?.[2] !== undefined) return { kind: "percentile", percent: Number(match[2]) };
  if (text === "med") return { kind: "percentile", percent: 50 };
  return { kind: text as Exclude<Stat["kind"], "percentile"> };
}

/** `p(95)` / `rate` etc., as k6 writes stats in thresholds. */
export function formatStat(stat: Stat): string {
  return stat.kind === "percentile" ? `p(${stat.percent})` : stat.kind;
}
