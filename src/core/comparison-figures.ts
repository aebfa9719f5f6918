import type { ComparisonFigures, ComparisonRunFigures } from "./comparison-block.js";
import type { TimeSlice } from "./compare/index.js";
import { decodeGroups, selectRun } from "./compare-runs.js";
import type { EvidenceFileV1 } from "./evidence-file.js";
import { mergeHistograms, readPercentileMs } from "./histogram.js";
import { BUILT_IN_OBJECTIVES, type ObjectiveMeasure, type ObjectiveSpec } from "./objectives.js";

/**
 * Percentiles of the spectrum: dense where latency distributions bend (the
 * tail), so the chart on a "nines" axis has points spread evenly from p0 to
 * p99.99.
 */
export const SPECTRUM_PERCENTS: readonly number[] = [
  0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 98, 98.5, 99, 99.25, 99.5, 99.75,
  99.9, 99.95, 99.99,
];

/** Without a latency objective, the spectrum is drawn as the built-in latency_p95 measures: every request, expected responses. */
const DEFAULT_MEASURE: ObjectiveMeasure = BUILT_IN_OBJECTIVES.latency_p95?.measure ?? {
  kind: "k6",
  metric: "http_req_duration",
  stat: { kind: "percentile", percent: 95 },
  scope: null,
  responses: "expected",
};

/**
 * The objective whose requests the comparison charts show: `latency_p95`
 * when the profile has it, else its first k6 http_req_duration percentile
 * objective; undefined when it has none.
 */
export function findFigureObjective(
  objectives: readonly ObjectiveSpec[],
): ObjectiveSpec | undefined {
  const isLatency = (spec: ObjectiveSpec): boolean =>
    spec.measure.kind === "k6" &&
    spec.measure.metric === "http_req_duration" &&
    spec.measure.stat.kind === "percentile";
  return (
    objectives.find((spec) => spec.id === "latency_p95" && isLatency(spec)) ??
    objectives.find(isLatency)
  );
}

/** "http_req_duration of expected responses", with the request scope when narrowed. */
function describeSubject(measure: ObjectiveMeasure): string {
  if (measure.kind !== "k6") return "http_req_duration";
  const parts = [
    `${measure.metric} of ${measure.responses === "expected" ? "expected responses" : "all responses"}`,
  ];
  if (measure.scope?.methods) parts.push(measure.scope.methods.join(", "));
  if (measure.scope?.names) parts.push(measure.scope.names.join(", "));
  return parts.join(" · ");
}

/**
 * The spectrum stops where a percentile rests on no sample above it: with n
 * requests, p stands on at least one slower request only while
 * n × (1 − p/100) ≥ 1. Past that every percentile reads the maximum, which
 * would draw a flat tail the data cannot support.
 */
function buildSpectrum(slices: readonly TimeSlice[]): ComparisonRunFigures["spectrum"] {
  const merged = mergeHistograms(slices.map((slice) => slice.histogram));
  const total = merged.totalCount;
  const spectrum: ComparisonRunFigures["spectrum"] = [];
  for (const percent of SPECTRUM_PERCENTS) {
    // (100 − p) first: 1 − 0.9999 is a hair below 1e-4 in floating point.
    if (percent > 0 && (total * (100 - percent)) / 100 < 1 - 1e-9) break;
    const ms = readPercentileMs(merged, percent);
    if (ms !== null) spectrum.push({ percent, ms });
  }
  return spectrum;
}

function buildTimeline(
  file: EvidenceFileV1,
  slices: readonly TimeSlice[],
): ComparisonRunFigures["timeline"] {
  const windowFrom = file.window ? Date.parse(file.window.from) : Number.NaN;
  const startMs = Number.isFinite(windowFrom) ? windowFrom : (slices[0]?.startMs ?? 0);
  return slices.map((slice) => ({
    offsetSeconds: (slice.startMs - startMs) / 1000,
    p50Ms: readPercentileMs(slice.histogram, 50),
    p95Ms: readPercentileMs(slice.histogram, 95),
    requestsPerSecond: slice.durationMs > 0 ? slice.requests / (slice.durationMs / 1000) : 0,
    failureRatio: slice.requests > 0 ? slice.failures / slice.requests : null,
  }));
}

function buildRunFigures(
  file: EvidenceFileV1,
  spec: Pick<ObjectiveSpec, "measure">,
): ComparisonRunFigures {
  const expectedOnly = spec.measure.kind === "k6" && spec.measure.responses === "expected";
  const { slices } = selectRun(file, decodeGroups(file), spec, expectedOnly);
  return { spectrum: buildSpectrum(slices), timeline: buildTimeline(file, slices) };
}

/**
 * Both runs' latency pictures for the comparison charts, over the requests
 * the latency objective `spec` covers (its request scope; expected responses
 * only when it measures those), exactly as the comparison selects them:
 * each run's percentile spectrum over its whole judged window, and per
 * slice its p50, p95, request rate and failure ratio, timed from the
 * window's start so the two runs line up. Without `spec`, every request's
 * expected responses, as the built-in latency_p95. Pure.
 */
export function buildComparisonFigures(
  baseline: EvidenceFileV1,
  candidate: EvidenceFileV1,
  spec?: Pick<ObjectiveSpec, "measure">,
): ComparisonFigures {
  const chosen = spec?.measure.kind === "k6" ? spec : { measure: DEFAULT_MEASURE };
  return {
    subject: describeSubject(chosen.measure),
    baseline: buildRunFigures(baseline, chosen),
    candidate: buildRunFigures(candidate, chosen),
  };
}
