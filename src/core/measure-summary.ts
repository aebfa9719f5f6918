import type { SummaryEvidence, SummaryMetric } from "./evidence.js";
import type { LoadStatus, WindowInfo } from "./measurement.js";
import type { EvaluationSettings } from "./profile.js";
import type { Finding } from "./types.js";

function sameTags(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** The summary entry for exactly this metric and tag set (order-insensitive). */
export function findSummaryMetric(
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
  const deliveryDoubts: string[] = [];
  const dropped = findSummaryMetric(summary, "dropped_iterations", {})?.values.count ?? 0;
  if (dropped > 0) {
    const message = `k6 dropped ${dropped} iterations during the run (no free VU when due): raise MAX_VUS or lower RATE`;
    doubts.push(message);
    deliveryDoubts.push(message);
    findings.push({ severity: "warning", code: "DROPPED_ITERATIONS", message });
  }
  if (window.seconds !== null && window.seconds < settings.minWindowSeconds) {
    const message = `the run lasted ${window.seconds.toFixed(1)} s, shorter than the profile's ${settings.minWindowSeconds} s`;
    doubts.push(message);
    findings.push({ severity: "warning", code: "WINDOW_TOO_SHORT", message });
  }
  const offered = findSummaryMetric(summary, "slogate_offered_rate", {})?.values.value ?? null;
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
      deliveryDoubts,
      deliveredAsOffered: false,
      // Whole-run iterations: with the offered rate they estimate the offered request rate.
      iterations:
        window.kind === "all"
          ? (findSummaryMetric(summary, "iterations", {})?.values.count ?? null)
          : null,
    },
    findings,
  };
}
