import type { PromQueryOutcome } from "./client.js";
import { readByLabel, readSingleNumber, type NumberReading } from "./evidence.js";
import type { PrometheusObjectiveId, PrometheusSliSettings } from "../../promql/settings.js";
import type { SliQueries } from "../../promql/sli-queries.js";

export type ByLabelReading = ReturnType<typeof readByLabel>;

/** Everything one window's queries answered, shared by every objective. */
export interface MeasureContext {
  settings: PrometheusSliSettings;
  queries: SliQueries;
  windowSeconds: number;
  /** The answer to a planned query (by SliQueries key or `override:<id>`). */
  answer(name: string): PromQueryOutcome | undefined;
  query(name: string): string;
  requests: ByLabelReading | null;
  errors: ByLabelReading | null;
}

export interface Measured {
  reading: NumberReading;
  samples: number;
  query: string;
}

const missing: NumberReading = { kind: "error", reason: "the query was not run" };

function read(context: MeasureContext, name: string, what: string): NumberReading {
  const outcome = context.answer(name);
  return outcome ? readSingleNumber(outcome, what) : missing;
}

/** A count query as a whole number; 0 when it gave none (the reading says why elsewhere). */
function readCount(context: MeasureContext, name: string): number {
  const reading = read(context, name, name);
  return reading.kind === "ok" ? Math.round(reading.value) : 0;
}

function scale(reading: NumberReading, factor: number): NumberReading {
  return reading.kind === "ok" ? { kind: "ok", value: reading.value * factor } : reading;
}

export function sumValues(values: Map<string, number>): number {
  let total = 0;
  for (const value of values.values()) total += value;
  return total;
}

/** The first unusable per-route reading, or a non-finite count in one. */
function firstProblem(...readings: (ByLabelReading | null)[]): NumberReading | null {
  for (const reading of readings) {
    if (reading === null) return missing;
    if (reading.kind !== "ok") return reading;
    for (const [label, value] of reading.values) {
      if (!Number.isFinite(value)) {
        return { kind: "inconclusive", reason: `count for ${label || "(no route)"} is ${value}` };
      }
    }
  }
  return null;
}

function noTraffic(what: string): NumberReading {
  return { kind: "inconclusive", reason: `no requests in the window, so no ${what}` };
}

/** Total requests in the window, or NaN when the request query gave no usable answer. */
export function totalRequestsOf(context: MeasureContext): number {
  return firstProblem(context.requests) === null && context.requests?.kind === "ok"
    ? sumValues(context.requests.values)
    : Number.NaN;
}

/** One objective from the default queries. Values in the objective's unit (ms, ratio, req/s). */
export function measureObjective(id: PrometheusObjectiveId, context: MeasureContext): Measured {
  const { settings, queries, windowSeconds } = context;
  const msFactor = settings.durationUnit === "seconds" ? 1000 : 1;
  switch (id) {
    case "latency_p95":
    case "db_latency_p95": {
      const [valueName, countName, what] =
        id === "latency_p95"
          ? (["latencyOverall", "latencyCount", "latency p95"] as const)
          : (["dbLatency", "dbCount", "database p95"] as const);
      const samples = readCount(context, countName);
      const reading = scale(read(context, valueName, what), msFactor);
      // A quantile over zero observations is NaN already; this covers a
      // histogram whose count and buckets disagree.
      const judged = reading.kind === "ok" && samples === 0 ? noTraffic(what) : reading;
      return { reading: judged, samples, query: context.query(valueName) };
    }
    case "error_rate": {
      const query = queries.errorRatio;
      const blocked = firstProblem(context.requests, context.errors);
      if (blocked) return { reading: blocked, samples: 0, query };
      const total = totalRequestsOf(context);
      const errors = context.errors?.kind === "ok" ? sumValues(context.errors.values) : Number.NaN;
      const samples = Math.round(total);
      if (!(total > 0)) return { reading: noTraffic("error ratio"), samples, query };
      return { reading: { kind: "ok", value: errors / total }, samples, query };
    }
    case "throughput": {
      const blocked = firstProblem(context.requests);
      if (blocked) return { reading: blocked, samples: 0, query: queries.requestsByRoute };
      const total = totalRequestsOf(context);
      return {
        reading: { kind: "ok", value: total / windowSeconds },
        samples: Math.round(total),
        query: queries.requestsByRoute,
      };
    }
    case "cpu": {
      const query = context.query("cpuSecondsPerSecond");
      if (settings.cpuCores === undefined) {
        const reason =
          "no CPU allowance given (--cpu-cores or prometheus.cpuCores in the profile), so CPU use cannot be judged as a fraction of it";
        return { reading: { kind: "inconclusive", reason }, samples: 0, query };
      }
      return {
        reading: scale(read(context, "cpuSecondsPerSecond", "CPU"), 1 / settings.cpuCores),
        samples: readCount(context, "cpuSampleCount"),
        query,
      };
    }
    case "memory": {
      const query = context.query("memoryPeakBytes");
      if (settings.memoryLimitBytes === undefined) {
        const reason =
          "no memory limit given (--memory-limit-bytes or prometheus.memoryLimitBytes in the profile), so memory use cannot be judged as a fraction of it";
        return { reading: { kind: "inconclusive", reason }, samples: 0, query };
      }
      return {
        reading: scale(read(context, "memoryPeakBytes", "memory"), 1 / settings.memoryLimitBytes),
        samples: readCount(context, "memorySampleCount"),
        query,
      };
    }
  }
}

/** An objective from the profile's own query; samples come from the default count queries. */
export function measureOverride(id: PrometheusObjectiveId, context: MeasureContext): Measured {
  const name = `override:${id}`;
  const samples =
    id === "db_latency_p95"
      ? readCount(context, "dbCount")
      : id === "cpu"
        ? readCount(context, "cpuSampleCount")
        : id === "memory"
          ? readCount(context, "memorySampleCount")
          : Math.round(totalRequestsOf(context)) || 0;
  return { reading: read(context, name, id), samples, query: context.query(name) };
}
