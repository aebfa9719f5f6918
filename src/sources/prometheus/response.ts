import { redactText } from "../../redact.js";

/**
 * A native-histogram sample as Prometheus' API gives it: count, sum and the
 * populated buckets as [boundary rule, lower, upper, count] (rule 0: (lower,
 * upper], 1: [lower, upper), 2: (lower, upper), 3: [lower, upper]).
 */
export interface NativeHistogramSample {
  count: number;
  sum: number;
  buckets: { rule: number; lower: number; upper: number; count: number }[];
}

/** One series of an instant query: a vector has one point, a range selector many. */
export interface PromSeries {
  labels: Record<string, string>;
  /** [Unix seconds, value]; value may be NaN or ±Infinity exactly as Prometheus sent it. */
  points: [number, number][];
  /** Native-histogram samples as [Unix seconds, histogram], when asked for (`histograms: true`). */
  histograms?: [number, NativeHistogramSample][];
}

/** What a query may answer besides numbers. */
export interface ParseOptions {
  /** Accept native-histogram samples (kept in `histograms`) instead of calling them malformed. */
  histograms?: boolean;
}

function parseHistogramPoint(value: unknown): [number, NativeHistogramSample] | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [time, raw] = value as [unknown, unknown];
  if (typeof time !== "number" || typeof raw !== "object" || raw === null) return null;
  const body = raw as { count?: unknown; sum?: unknown; buckets?: unknown };
  const buckets: NativeHistogramSample["buckets"] = [];
  for (const bucket of Array.isArray(body.buckets) ? (body.buckets as unknown[]) : []) {
    if (!Array.isArray(bucket) || bucket.length !== 4) return null;
    const [rule, lower, upper, count] = bucket as [unknown, unknown, unknown, unknown];
    if (typeof rule !== "number") return null;
    buckets.push({
      rule,
      lower: parseSampleValue(lower),
      upper: parseSampleValue(upper),
      count: parseSampleValue(count),
    });
  }
  return [time, { count: parseSampleValue(body.count), sum: parseSampleValue(body.sum), buckets }];
}

export type PromQueryOutcome =
  | {
      kind: "ok";
      resultType: "vector" | "matrix" | "scalar";
      series: PromSeries[];
      /** Prometheus' `warnings`: the answer may be partial. */
      warnings: string[];
      elapsedMs: number;
    }
  | {
      kind: "error";
      /** Prometheus' errorType (bad_data, execution, timeout, …) or ours: network, timeout, http, malformed. */
      errorType: string;
      httpStatus?: number;
      /** One line, credentials redacted. */
      message: string;
      elapsedMs: number;
    };

/** A query outcome before its timing is known. */
export type PromQueryBody = PromQueryOutcome extends infer T
  ? T extends unknown
    ? Omit<T, "elapsedMs">
    : never
  : never;

export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return redactText(line.length > 300 ? `${line.slice(0, 297)}...` : line);
}

/**
 * Parses Prometheus' sample value: a JSON string such as "0.25", "NaN",
 * "+Inf" or "-Inf" (parseFloat would read "+Inf" as NaN).
 */
export function parseSampleValue(text: unknown): number {
  if (text === "+Inf" || text === "Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (typeof text !== "string" || text.trim() === "") return Number.NaN;
  return Number(text);
}

function parsePoint(value: unknown): [number, number] | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [time, sample] = value as [unknown, unknown];
  if (typeof time !== "number") return null;
  return [time, parseSampleValue(sample)];
}

/** Parses a /api/v1/query body; anything unexpected is a `malformed` error, not an empty result. */
export function parseQueryBody(body: unknown, options: ParseOptions = {}): PromQueryBody {
  const malformed = (why: string) =>
    ({
      kind: "error",
      errorType: "malformed",
      message: `not a Prometheus API response: ${why}`,
    }) as const;
  if (typeof body !== "object" || body === null) return malformed("not a JSON object");
  const top = body as {
    status?: unknown;
    data?: unknown;
    warnings?: unknown;
    errorType?: unknown;
    error?: unknown;
  };
  const warnings = Array.isArray(top.warnings) ? top.warnings.map((w) => oneLine(String(w))) : [];
  if (top.status === "error") {
    const errorType = typeof top.errorType === "string" ? top.errorType : "unknown";
    return {
      kind: "error",
      errorType,
      message: `${errorType}: ${oneLine(typeof top.error === "string" ? top.error : "")}`,
    };
  }
  if (top.status !== "success") return malformed(`status ${JSON.stringify(top.status)}`);
  const data = top.data as { resultType?: unknown; result?: unknown } | undefined;
  const resultType = data?.resultType;
  if (resultType === "scalar") {
    const point = parsePoint(data?.result);
    if (point === null) return malformed("scalar without [time, value]");
    return { kind: "ok", resultType, series: [{ labels: {}, points: [point] }], warnings };
  }
  if ((resultType !== "vector" && resultType !== "matrix") || !Array.isArray(data?.result)) {
    return malformed(`resultType ${JSON.stringify(resultType)}`);
  }
  const series: PromSeries[] = [];
  for (const item of data.result as unknown[]) {
    const entry = (item ?? {}) as {
      metric?: unknown;
      value?: unknown;
      values?: unknown;
      histogram?: unknown;
      histograms?: unknown;
    };
    const labels =
      typeof entry.metric === "object" && entry.metric !== null
        ? (entry.metric as Record<string, string>)
        : {};
    if (resultType === "vector") {
      if (options.histograms && entry.value === undefined && entry.histogram !== undefined) {
        const point = parseHistogramPoint(entry.histogram);
        if (point === null) return malformed("native histogram sample without [time, histogram]");
        series.push({ labels, points: [], histograms: [point] });
        continue;
      }
      // A native-histogram sample has `histogram` instead of `value`: not a number to judge.
      if (entry.value === undefined && entry.histogram !== undefined) {
        return malformed(
          "a native histogram sample where a number was expected; wrap it in histogram_quantile() or histogram_count()",
        );
      }
      const point = parsePoint(entry.value);
      if (point === null) return malformed("vector sample without [time, value]");
      series.push({ labels, points: [point] });
    } else {
      if (options.histograms && entry.values === undefined && Array.isArray(entry.histograms)) {
        const histograms: [number, NativeHistogramSample][] = [];
        for (const value of entry.histograms as unknown[]) {
          const point = parseHistogramPoint(value);
          if (point === null) return malformed("native histogram point without [time, histogram]");
          histograms.push(point);
        }
        series.push({ labels, points: [], histograms });
        continue;
      }
      if (!Array.isArray(entry.values)) return malformed("matrix series without values");
      const points: [number, number][] = [];
      for (const value of entry.values as unknown[]) {
        const point = parsePoint(value);
        if (point === null) return malformed("matrix point without [time, value]");
        points.push(point);
      }
      series.push({ labels, points });
    }
  }
  return { kind: "ok", resultType, series, warnings };
}
