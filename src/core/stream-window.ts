import type { StreamEvidence } from "./evidence.js";
import { formatCount } from "./format-value.js";
import type { LoadStatus, WindowInfo } from "./measurement.js";
import type { EvaluationSettings } from "./profile.js";
import type { Finding } from "./types.js";

/** The phases (or range) of a stream the evaluation reads, and its extent. */
export interface StreamWindow extends WindowInfo {
  phases: ReadonlySet<string>;
}

function extentOf(
  evidence: StreamEvidence,
  phases: ReadonlySet<string>,
): { fromMs: number | null; toMs: number | null } {
  let fromMs: number | null = null;
  let toMs: number | null = null;
  for (const phase of phases) {
    const stats = evidence.phases.get(phase);
    if (!stats || stats.firstMs === null || stats.lastMs === null) continue;
    if (fromMs === null || stats.firstMs < fromMs) fromMs = stats.firstMs;
    if (toMs === null || stats.lastMs > toMs) toMs = stats.lastMs;
  }
  return { fromMs, toMs };
}

/**
 * Picks the window: phase=steady by default; when no point carries that tag
 * the whole run is read instead, with a finding, because the ramps then skew
 * every figure. `all` reads every phase; a range selection was already applied
 * while reading, and is clipped to the points inside it.
 */
export function selectStreamWindow(
  evidence: StreamEvidence,
  requested: "steady" | "all",
): { window: StreamWindow; findings: Finding[] } {
  const findings: Finding[] = [];
  if (evidence.selection.kind === "range") {
    const phases = new Set(["range"]);
    const extent = extentOf(evidence, phases);
    const fromMs =
      extent.fromMs === null ? null : Math.max(evidence.selection.fromMs, extent.fromMs);
    const toMs = extent.toMs === null ? null : Math.min(evidence.selection.toMs, extent.toMs);
    const seconds = fromMs === null || toMs === null ? 0 : Math.max(0, (toMs - fromMs) / 1000);
    return { window: { kind: "range", phases, fromMs, toMs, seconds }, findings };
  }
  let kind: "steady" | "all" = requested;
  if (requested === "steady" && extentOf(evidence, new Set(["steady"])).fromMs === null) {
    kind = "all";
    findings.push(
      evidence.hasPhaseTags
        ? {
            severity: "warning",
            code: "NO_STEADY_PHASE",
            message: `no requests tagged phase=steady (phases seen: ${[...evidence.phases.keys()].filter(Boolean).join(", ")}); judged the whole run, ramps included`,
          }
        : {
            severity: "warning",
            code: "NO_PHASE_TAGS",
            message:
              "no phase tags in the results; judged the whole run, ramps included. Tag the steady scenario with tags: { phase: 'steady' } to judge steady state only",
          },
    );
  }
  const phases = kind === "steady" ? new Set(["steady"]) : new Set(evidence.phases.keys());
  const { fromMs, toMs } = extentOf(evidence, phases);
  const seconds = fromMs === null || toMs === null ? 0 : (toMs - fromMs) / 1000;
  return { window: { kind, phases, fromMs, toMs, seconds }, findings };
}

/**
 * Whether the load was delivered as offered in the window. Each doubt keeps
 * a pass from being trusted: too short a window; dropped iterations (k6 had
 * no free VU when an arrival was due); or achieved iterations/s below
 * minOfferedRatio × slogate_offered_rate.
 */
export function assessStreamLoad(
  evidence: StreamEvidence,
  window: StreamWindow,
  settings: EvaluationSettings,
): { load: LoadStatus; findings: Finding[] } {
  const findings: Finding[] = [];
  const doubts: string[] = [];
  const deliveryDoubts: string[] = [];
  const doubt = (code: string, message: string) => {
    doubts.push(message);
    if (code !== "WINDOW_TOO_SHORT") deliveryDoubts.push(message);
    findings.push({ severity: "warning", code, message });
  };
  let iterations = 0;
  let dropped = evidence.unattributedDroppedIterations;
  let checksFailed = 0;
  let checksTotal = 0;
  for (const phase of window.phases) {
    const stats = evidence.phases.get(phase);
    if (!stats) continue;
    iterations += stats.iterations;
    dropped += stats.droppedIterations;
    checksFailed += stats.checksFailed;
    checksTotal += stats.checksFailed + stats.checksPassed;
  }
  const seconds = window.seconds ?? 0;
  if (seconds < settings.minWindowSeconds) {
    doubt(
      "WINDOW_TOO_SHORT",
      `the ${window.kind} window lasted ${seconds.toFixed(1)} s, shorter than the profile's ${settings.minWindowSeconds} s`,
    );
  }
  if (dropped > 0) {
    doubt(
      "DROPPED_ITERATIONS",
      `k6 dropped ${formatCount(dropped)} iterations (no free VU when due): raise MAX_VUS or lower RATE`,
    );
  }
  const offered = evidence.offeredRatePerSecond;
  // Offered rate is the steady rate, so only a steady window can be held to it.
  const achieved = seconds > 0 ? iterations / seconds : null;
  let deliveredAsOffered = false;
  if (offered !== null && offered > 0 && window.kind === "steady" && achieved !== null) {
    if (achieved < settings.minOfferedRatio * offered) {
      doubt(
        "OFFERED_RATE_NOT_ACHIEVED",
        `achieved ${achieved.toFixed(1)} iterations/s, below ${Math.round(settings.minOfferedRatio * 100)}% of the offered ${offered} /s`,
      );
    } else if (dropped === 0) {
      deliveredAsOffered = true;
    }
  } else if (offered === null && window.kind === "steady") {
    findings.push({
      severity: "info",
      code: "NO_OFFERED_RATE",
      message:
        "no slogate_offered_rate in the results; whether the load was delivered as offered is unknown",
    });
  }
  if (checksFailed > 0) {
    findings.push({
      severity: "warning",
      code: "CHECKS_FAILED",
      message: `${formatCount(checksFailed)} of ${formatCount(checksTotal)} checks failed in the window`,
    });
  }
  return {
    load: {
      droppedIterations: dropped,
      offeredRatePerSecond: offered,
      achievedIterationRatePerSecond: achieved,
      doubts,
      deliveryDoubts,
      deliveredAsOffered,
      iterations,
    },
    findings,
  };
}
