import type { ComparisonReport } from "../core/compare-runs.js";

/**
 * A comparison as JSON: `{profile, verdict, baseline: {source, metadata},
 * candidate: {source, metadata}, objectives: [{id, source, mandatory,
 * baseline, candidate, effect, interval: [lo, hi], margin, verdict, reason,
 * method}], skipped, notes}`. `effect` is the estimate (a ratio for latency
 * and throughput, a difference of proportions for the error rate); null, as
 * `interval`, when none could be estimated.
 */
export function renderComparisonJson(report: ComparisonReport): string {
  const side = (run: ComparisonReport["baseline"]) => ({
    source: run.source,
    read: run.read,
    files: run.files,
    metadata: run.metadata,
  });
  const document = {
    profile: report.profile.name,
    verdict: report.comparison.verdict,
    baseline: side(report.baseline),
    candidate: side(report.candidate),
    objectives: report.comparison.objectives.map((objective) => {
      const { effect } = objective;
      return {
        id: objective.id,
        source: objective.source,
        mandatory: objective.mandatory,
        subject: objective.subject,
        baseline: effect.baseline,
        candidate: effect.candidate,
        effect: effect.kind === "effect" ? effect.estimate : null,
        scale: effect.kind === "effect" ? effect.scale : null,
        interval: effect.kind === "effect" ? effect.interval : null,
        confidence: effect.kind === "effect" ? effect.confidence : null,
        margin: objective.margin,
        verdict: objective.verdict,
        reason: objective.reason,
        method: effect.kind === "effect" ? effect.method : null,
      };
    }),
    skipped: report.comparison.skipped,
    notes: report.comparison.notes,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
