import { InternalError } from "../errors.js";
import type { SummaryEvidence, SummaryMetric } from "./evidence.js";
import { formatSelector, selectorTagSets } from "./k6-thresholds.js";
import type { LoadStatus, Measurement, WindowInfo } from "./measurement.js";
import { formatStat, type EvaluationSettings, type ObjectiveSpec, type Stat } from "./profile.js";
import type { Finding } from "./types.js";

function sameTags(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function findMetric(
  summary: SummaryEvidence,
  metric: string,
  tags: Record<string, string>,
): SummaryMetric | undefined {
  return summary.metrics.find((entry) => entry.metric === metric && sameTags(entry.tags, tags));
}

/**
 * A summary covers the whole run. It holds a steady-state view only when the
 * run had thresholds scoped to phase:steady (buildK6Thresholds writes them),
 * which makes k6 keep those sub-metrics; otherwise the whole run is judged.
 */
export function selectSummaryWindow(
  summary: SummaryEvidence,
  requested: "steady" | "all",
): { window: WindowInfo; findings: Finding[] } {
  const findings: Finding[] = [];
  const hasSteady = summary.metrics.some((entry) => entry.tags.phase === "steady");
  const end = summary.generatedAt === null ? null : Date.parse(summary.generatedAt);
  if (requested === "steady" && hasSteady) {
    findings.push({
      severity: "info",
      code: "WINDOW_LENGTH_UNKNOWN",
      message:
        "a k6 summary does not say how long the steady phase lasted; the minimum window was not checked",
    });
    return { window: { kind: "steady", fromMs: null, toMs: null, seconds: null }, findings };
  }
  if (requested === "steady") {
    findings.push({
      severity: "warning",
      code: "SUMMARY_WHOLE_RUN",
      message:
        "the summary has no phase:steady sub-metrics, so the whole run (ramps included) was judged; run with slogate's thresholds or pass NDJSON (--out json)",
    });
  }
  const seconds = summary.durationSeconds;
  const fromMs = end !== null && seconds !== null ? end - seconds * 1000 : null;
  return { window: { kind: "all", fromMs, toMs: end, seconds }, findings };
}

/** Load checks a summary allows: dropped_iterations over the whole run, and the window's length when known. */
export function assessSummaryLoad(
  summary: SummaryEvidence,
  window: WindowInfo,
  settings: EvaluationSettings,
): { load: LoadStatus; findings: Finding[] } {
  const findings: Finding[] = [];
  const doubts: string[] = [];
  const dropped = findMetric(summary, "dropped_iterations", {})?.values.count ?? 0;
  if (dropped > 0) {
    const message = `k6 dropped ${dropped} iterations during the run (no free VU when due): raise MAX_VUS or lower RATE`;
    doubts.push(message);
    findings.push({ severity: "warning", code: "DROPPED_ITERATIONS", message });
  }
  if (window.seconds !== null && window.seconds < settings.minWindowSeconds) {
    const message = `the run lasted ${window.seconds.toFixed(1)} s, shorter than the profile's ${settings.minWindowSeconds} s`;
    doubts.push(message);
    findings.push({ severity: "warning", code: "WINDOW_TOO_SHORT", message });
  }
  const offered = findMetric(summary, "slogate_offered_rate", {})?.values.value ?? null;
  if (offered !== null) {
    findings.push({
      severity: "info",
      code: "OFFERED_RATE_UNCHECKED",
      message:
        "a summary cannot show the steady iteration rate; only dropped_iterations was checked against the offered load",
    });
  }
  return {
    load: {
      droppedIterations: dropped,
      offeredRatePerSecond: offered,
      achievedIterationRatePerSecond: null,
      doubts,
      deliveredAsOffered: false,
    },
    findings,
  };
}

function statValue(entry: SummaryMetric, stat: Stat): number | undefined {
  if (stat.kind === "percentile") {
    return (
      entry.values[`p(${stat.percent})`] ?? (stat.percent === 50 ? entry.values.med : undefined)
    );
  }
  return entry.values[stat.kind];
}

/** How many samples stand behind a trend entry: its own `count` stat, else the matching request counters. */
function countTrendSamples(
  summary: SummaryEvidence,
  entry: SummaryMetric,
  responses: "expected" | "all",
): number | null {
  if (entry.values.count !== undefined) return entry.values.count;
  if (entry.metric !== "http_req_duration") return null;
  const requests = findMetric(summary, "http_reqs", entry.tags)?.values.count;
  if (requests !== undefined) return requests;
  const rest = Object.fromEntries(
    Object.entries(entry.tags).filter(([key]) => key !== "expected_response"),
  );
  const failed = findMetric(summary, "http_req_failed", rest)?.values;
  if (failed?.passes === undefined || failed.fails === undefined) return null;
  // A rate's `passes` counts non-zero samples: failed requests for http_req_failed.
  return responses === "expected" ? failed.fails : failed.passes + failed.fails;
}

/** Measures one k6 objective from a summary; anything the summary lacks is inconclusive, never guessed. */
export function measureSummaryObjective(
  spec: ObjectiveSpec,
  summary: SummaryEvidence,
  window: WindowInfo,
): Measurement {
  if (spec.measure.kind !== "k6")
    throw new InternalError("NOT_K6_OBJECTIVE", "measureSummaryObjective: not a k6 objective");
  const { metric, stat, responses } = spec.measure;
  const tagSets = selectorTagSets(spec, window.kind === "steady" ? "steady" : "all");
  if (tagSets.length !== 1 || !tagSets[0]) {
    return {
      kind: "missing",
      outcome: "inconclusive",
      reason: `a k6 summary keeps one aggregate per selector, and this objective pools ${tagSets.length} routes; pass NDJSON (--out json)`,
    };
  }
  const selector = formatSelector(metric, tagSets[0]);
  const entry = findMetric(summary, metric, tagSets[0]);
  if (!entry) {
    return { kind: "missing", outcome: "inconclusive", reason: `the summary has no ${selector}` };
  }
  if (stat.kind === "perSecond") {
    if (window.kind === "steady" || window.seconds === null) {
      return {
        kind: "missing",
        outcome: "inconclusive",
        reason:
          "a summary's counter rate covers the whole run, not the steady window; pass NDJSON (--out json)",
      };
    }
    const count = entry.values.count;
    if (count === undefined)
      return {
        kind: "missing",
        outcome: "inconclusive",
        reason: `the summary has no count for ${selector}`,
      };
    return { kind: "value", value: entry.values.rate ?? count / window.seconds, samples: count };
  }
  const value = statValue(entry, stat);
  if (value === undefined) {
    return {
      kind: "missing",
      outcome: "inconclusive",
      reason: `the summary has no ${formatStat(stat)} for ${selector}; add it to --summary-trend-stats or pass NDJSON`,
    };
  }
  let samples: number | null;
  if (entry.type === "rate") samples = (entry.values.passes ?? 0) + (entry.values.fails ?? 0);
  else if (entry.type === "counter") samples = entry.values.count ?? null;
  else if (entry.type === "gauge") samples = 1;
  else samples = countTrendSamples(summary, entry, responses);
  if (samples === null) {
    return {
      kind: "missing",
      outcome: "inconclusive",
      value,
      reason: `the summary does not say how many samples ${selector} has; add count to --summary-trend-stats or pass NDJSON`,
    };
  }
  return { kind: "value", value, samples };
}
