import type { Unit } from "../../core/types.js";
import type { PromQueryOutcome } from "./client.js";

export type PrometheusEvidenceStatus = "ok" | "inconclusive" | "error";

/**
 * One server-side objective as measured by Prometheus over the window. The
 * evaluation turns it into an ObjectiveResult with source "prometheus": only
 * `status: "ok"` with a finite value may be judged against tiers; anything
 * else is inconclusive or error with `reason`, never a pass.
 */
export interface PrometheusEvidence {
  /** Objective id: latency_p95, error_rate, throughput, db_latency_p95, cpu, memory. */
  id: string;
  /** In `unit`; null unless status is "ok". */
  value: number | null;
  unit: Unit;
  /** Requests (latency, errors, throughput), DB calls, or raw samples (cpu, memory) behind the value. */
  samples: number;
  status: PrometheusEvidenceStatus;
  /** Why the value is missing or cannot be trusted; set whenever status is not "ok". */
  reason?: string;
  /** The PromQL that produced the value, for the report. */
  query?: string;
}

/** A single number read from a query, or why there is none. */
export type NumberReading =
  | { kind: "ok"; value: number }
  | { kind: "inconclusive"; reason: string }
  | { kind: "error"; reason: string };

/** Why a query's answer is unusable, or null when it is a clean answer. */
function refuse(outcome: PromQueryOutcome, what: string): NumberReading | null {
  if (outcome.kind === "error") {
    return {
      kind: "error",
      reason: `Prometheus query for ${what} failed (${outcome.errorType}): ${outcome.message}`,
    };
  }
  if (outcome.warnings.length > 0) {
    return {
      kind: "inconclusive",
      reason: `Prometheus warned that the ${what} answer may be partial: ${outcome.warnings.join("; ")}`,
    };
  }
  return null;
}

function checkFinite(value: number, what: string): NumberReading {
  if (Number.isNaN(value)) {
    return {
      kind: "inconclusive",
      reason: `${what} is NaN: no observations in the window (0/0)`,
    };
  }
  if (!Number.isFinite(value)) {
    return {
      kind: "inconclusive",
      reason: `${what} is ${value > 0 ? "+Inf" : "-Inf"}: the histogram cannot place it (check the bucket edges)`,
    };
  }
  return { kind: "ok", value };
}

/** Reads a query that must return exactly one finite number (a `sum(...)`, a quantile). */
export function readSingleNumber(outcome: PromQueryOutcome, what: string): NumberReading {
  const refused = refuse(outcome, what);
  if (refused) return refused;
  if (outcome.kind !== "ok") return { kind: "error", reason: `${what}: no answer` };
  if (outcome.series.length === 0) {
    return {
      kind: "inconclusive",
      reason: `no data for ${what}: the query returned an empty result (check the selector and metric names, and that the window saw traffic)`,
    };
  }
  if (outcome.series.length > 1) {
    return {
      kind: "inconclusive",
      reason: `${what}: the query returned ${outcome.series.length} series where one number was expected; aggregate it (sum, max)`,
    };
  }
  const point = outcome.series[0]?.points[0];
  if (point === undefined)
    return { kind: "inconclusive", reason: `${what}: a series without samples` };
  return checkFinite(point[1], what);
}

/**
 * Reads a `sum by (label)` query into a map. `emptyMeansZero` is for error
 * counters: a service creates a 5xx series only once a 5xx happens, so no
 * series means none happened (the request query proves the selector works).
 */
export function readByLabel(
  outcome: PromQueryOutcome,
  label: string,
  what: string,
  emptyMeansZero: boolean,
): { kind: "ok"; values: Map<string, number> } | Exclude<NumberReading, { kind: "ok" }> {
  const refused = refuse(outcome, what);
  if (refused) return refused as Exclude<NumberReading, { kind: "ok" }>;
  if (outcome.kind !== "ok") return { kind: "error", reason: `${what}: no answer` };
  if (outcome.series.length === 0 && !emptyMeansZero) {
    return {
      kind: "inconclusive",
      reason: `no data for ${what}: the query returned an empty result (check the selector and metric names, and that the window saw traffic)`,
    };
  }
  const values = new Map<string, number>();
  for (const series of outcome.series) {
    const value = series.points[0]?.[1] ?? Number.NaN;
    values.set(series.labels[label] ?? "", value);
  }
  return { kind: "ok", values };
}

/** Turns a reading into evidence; `samples` is 0 unless the value is usable. */
export function toEvidence(
  id: string,
  unit: Unit,
  reading: NumberReading,
  samples: number,
  query: string,
): PrometheusEvidence {
  if (reading.kind === "ok") {
    return { id, value: reading.value, unit, samples, status: "ok", query };
  }
  return { id, value: null, unit, samples, status: reading.kind, reason: reading.reason, query };
}

/** Downgrades usable evidence when the window as a whole cannot be trusted (a scrape gap). */
export function downgradeEvidence(
  evidence: PrometheusEvidence,
  status: Exclude<PrometheusEvidenceStatus, "ok">,
  reason: string,
): PrometheusEvidence {
  if (evidence.status === "error") return evidence;
  if (evidence.status === "inconclusive" && status === "inconclusive") {
    return { ...evidence, reason: `${evidence.reason ?? ""}; ${reason}` };
  }
  return { ...evidence, value: null, status, reason };
}
