import { toObjectiveBlock, type ComparisonReport } from "../core/compare-runs.js";

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
    objectives: report.comparison.objectives.map(toObjectiveBlock),
    skipped: report.comparison.skipped,
    notes: report.comparison.notes,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
