import {
  BUILT_IN_OBJECTIVES,
  type ObjectiveSpec,
  type RequestScope,
  type SloProfile,
} from "./profile.js";
import { findRequiredRequests, findRequiredSamples } from "./sample-rules.js";
import type { RequiredTier } from "./types.js";

/**
 * What a server-side measurement of one objective reads from Prometheus.
 * k6 objectives over http_req_* map onto the service's own request metrics
 * (the seed's http_requests_total / http_request_duration_seconds); other k6
 * metrics exist only inside k6 and cannot be measured in a cluster.
 */
export type ServerSli =
  | { kind: "error_ratio"; scope: RequestScope }
  | { kind: "latency"; scope: RequestScope; quantile: number }
  | { kind: "throughput"; scope: RequestScope }
  | { kind: "db_latency"; quantile: number }
  | { kind: "cpu"; cores: number }
  | { kind: "memory"; limitBytes: number }
  | { kind: "query"; query: string };

export interface PlannedObjective {
  spec: ObjectiveSpec;
  sli: ServerSli;
  /**
   * Requests (or observations) the window must hold before the value may be
   * judged, by the same rules as the CI verdict (src/core/sample-rules.ts):
   * p95 needs 200, an error ratio below 1 % needs 300. 1 when any will do.
   */
  minSamples: number;
}

export interface SkippedObjective {
  id: string;
  mandatory: boolean;
  reason: string;
}

export interface PlanServerSlisOptions {
  requiredTier?: RequiredTier;
  /** CPU the service may use; without it a `cpu` objective is skipped. */
  cpuCores?: number;
  /** Memory limit; without it a `memory` objective uses the profile's own query, or is skipped. */
  memoryLimitBytes?: number;
}

export interface ServerSliPlan {
  requiredTier: RequiredTier;
  planned: PlannedObjective[];
  skipped: SkippedObjective[];
}

const ALL: RequestScope = { names: null, methods: null };

function planOne(
  spec: ObjectiveSpec,
  profile: SloProfile,
  requiredTier: RequiredTier,
  options: PlanServerSlisOptions,
): Omit<PlannedObjective, "spec"> | string {
  const { minTailSamples, minRateEvents } = profile.evaluation;
  const measure = spec.measure;
  if (measure.kind === "prometheus") {
    const ownQuery = measure.query !== null && !isBuiltInQuery(spec.id, measure.query);
    // A flag beats the profile's prometheus section; neither: not measurable.
    const cpuCores = options.cpuCores ?? profile.prometheus?.cpuCores;
    const memoryLimitBytes = options.memoryLimitBytes ?? profile.prometheus?.memoryLimitBytes;
    if (spec.id === "cpu" && cpuCores !== undefined) {
      return { sli: { kind: "cpu", cores: cpuCores }, minSamples: 1 };
    }
    if (spec.id === "cpu" && !ownQuery) {
      return "needs the CPU allowance (cpu cores) to express CPU use as a ratio of it";
    }
    if (spec.id === "memory" && memoryLimitBytes !== undefined) {
      return { sli: { kind: "memory", limitBytes: memoryLimitBytes }, minSamples: 1 };
    }
    if (measure.query === null) {
      return "needs the memory limit (memory limit bytes, or prometheus.memoryLimitBytes in the profile) to express memory use as a ratio of it";
    }
    if (spec.id === "db_latency_p95" && !ownQuery) {
      return { sli: { kind: "db_latency", quantile: 0.95 }, minSamples: 1 };
    }
    return { sli: { kind: "query", query: measure.query }, minSamples: 1 };
  }
  const scope = measure.scope ?? ALL;
  if (measure.metric === "http_req_duration" && measure.stat.kind === "percentile") {
    return {
      sli: { kind: "latency", scope, quantile: measure.stat.percent / 100 },
      minSamples: findRequiredSamples(measure.stat, minTailSamples),
    };
  }
  if (measure.metric === "http_req_failed" && measure.stat.kind === "rate") {
    return {
      sli: { kind: "error_ratio", scope },
      minSamples: Math.max(1, findRequiredRequests(spec.bounds[requiredTier], minRateEvents)),
    };
  }
  if (measure.metric === "http_reqs" && measure.stat.kind === "perSecond") {
    return { sli: { kind: "throughput", scope }, minSamples: 1 };
  }
  return `${measure.metric} ${measure.stat.kind} is measured by k6 only; the service's metrics do not carry it`;
}

/** Whether a prometheus objective still has its built-in query (a profile may replace it). */
function isBuiltInQuery(id: string, query: string): boolean {
  const builtIn = BUILT_IN_OBJECTIVES[id]?.measure;
  return builtIn?.kind === "prometheus" && builtIn.query === query;
}

/**
 * Decides, per objective of a profile, what Prometheus series measure it in a
 * cluster, and which objectives cannot be measured there (with why). The
 * Argo templates, the PrometheusRule and `slogate serve` all start here, so
 * they judge the same things.
 */
export function planServerSlis(
  profile: SloProfile,
  options: PlanServerSlisOptions = {},
): ServerSliPlan {
  const requiredTier = options.requiredTier ?? profile.requiredTier;
  const planned: PlannedObjective[] = [];
  const skipped: SkippedObjective[] = [];
  for (const spec of profile.objectives) {
    const outcome = planOne(spec, profile, requiredTier, options);
    if (typeof outcome === "string")
      skipped.push({ id: spec.id, mandatory: spec.mandatory, reason: outcome });
    else planned.push({ spec, ...outcome });
  }
  return { requiredTier, planned, skipped };
}
