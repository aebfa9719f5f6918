import type { K6Evidence } from "./evidence.js";
import { judgeObjective, type JudgeContext } from "./evaluate-objective.js";
import type { LoadStatus, Measurement, WindowInfo } from "./measurement.js";
import { measureStreamObjective } from "./measure-stream.js";
import { assessSummaryLoad, selectSummaryWindow } from "./measure-summary.js";
import { measureSummaryObjective } from "./measure-summary-objective.js";
import type { ObjectiveSpec, SloProfile } from "./profile.js";
import { assessStreamLoad, selectStreamWindow, type StreamWindow } from "./stream-window.js";
import type { Finding, RequiredTier } from "./types.js";

/** The part of k6's evidence a verdict judges: its window, the load in it, and how to measure there. */
export interface EvidenceWindow {
  window: WindowInfo;
  /** The stream's window with its phases; null for a summary. */
  streamWindow: StreamWindow | null;
  load: LoadStatus;
  /** What choosing the window and assessing its load found, in order. */
  findings: Finding[];
  /** A source:k6 objective measured inside the window. */
  measure: (spec: ObjectiveSpec) => Measurement;
}

/**
 * Picks the window of the evidence (the requested one, or the whole run when
 * the evidence has no steady phase) and assesses the load delivered in it.
 */
export function selectEvidenceWindow(
  profile: SloProfile,
  evidence: K6Evidence,
  requested: "steady" | "all",
): EvidenceWindow {
  if (evidence.kind === "stream") {
    const selected = selectStreamWindow(evidence, requested);
    const chosen = selected.window;
    const assessed = assessStreamLoad(evidence, chosen, profile.evaluation);
    return {
      window: chosen,
      streamWindow: chosen,
      load: assessed.load,
      findings: [...selected.findings, ...assessed.findings],
      measure: (spec) => measureStreamObjective(spec, evidence, chosen),
    };
  }
  const selected = selectSummaryWindow(evidence, requested);
  const chosen = selected.window;
  const assessed = assessSummaryLoad(evidence, chosen, profile.evaluation);
  return {
    window: chosen,
    streamWindow: null,
    load: assessed.load,
    findings: [...selected.findings, ...assessed.findings],
    measure: (spec) => measureSummaryObjective(spec, evidence, chosen, profile.evaluation),
  };
}

export interface JudgedWindowOptions {
  profile: SloProfile;
  evidence: K6Evidence;
  /** The profile's requiredTier unless given. */
  requiredTier?: RequiredTier;
  /** The profile's window unless given. */
  window?: "steady" | "all";
}

export interface JudgedWindowResult {
  /**
   * The window the verdict judges, in whole Unix ms as the verdict states it;
   * null when the evidence has no timestamps for it (a summary's steady phase).
   */
  window: { fromMs: number; toMs: number } | null;
  /** k6's view of that window, for comparing the server's with it. */
  client: {
    /** Requests error_rate counted (every request in the profile's scope); 0 without it. */
    requests: number;
    /** latency_p95 as the verdict states it; null without a value. */
    p95Ms: number | null;
  };
}

/**
 * The window evaluateEvidence will judge, given the same options, and k6's
 * figures for it, so that another source (Prometheus) can be asked about the
 * same time before the single evaluation. Pure.
 */
export function resolveJudgedWindow(options: JudgedWindowOptions): JudgedWindowResult {
  const { profile, evidence } = options;
  const selected = selectEvidenceWindow(
    profile,
    evidence,
    options.window ?? profile.evaluation.window,
  );
  const context: JudgeContext = {
    requiredTier: options.requiredTier ?? profile.requiredTier,
    settings: profile.evaluation,
    load: selected.load,
  };
  // Judged as the verdict judges them: a pooled summary percentile states its best or worst end.
  const judgeK6 = (id: string) => {
    const spec = profile.objectives.find((entry) => entry.id === id && entry.source === "k6");
    return spec ? judgeObjective(spec, selected.measure(spec), context) : undefined;
  };
  const { fromMs, toMs } = selected.window;
  return {
    window:
      fromMs === null || toMs === null || !Number.isFinite(fromMs) || !Number.isFinite(toMs)
        ? null
        : // The verdict's ISO times hold whole milliseconds.
          { fromMs: Math.trunc(fromMs), toMs: Math.trunc(toMs) },
    client: {
      requests: judgeK6("error_rate")?.samples ?? 0,
      p95Ms: judgeK6("latency_p95")?.value ?? null,
    },
  };
}
