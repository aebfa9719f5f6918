import { toObjectiveBlock, type ComparisonReport } from "../core/compare-runs.js";
import {
  describeRun,
  formatComparisonLines,
  formatComparisonVerdict,
} from "./comparison-figures.js";

/** A comparison as plain text for a terminal: a verdict line, the two runs, one block per objective. */
export function renderComparisonText(report: ComparisonReport): string {
  const { comparison } = report;
  const lines = [
    `slogate compare: ${formatComparisonVerdict(comparison.verdict)} (profile ${report.profile.name})`,
    `  baseline:  ${describeRun(report.baseline)}`,
    `  candidate: ${describeRun(report.candidate)}`,
    "",
    ...formatComparisonLines({
      objectives: comparison.objectives.map(toObjectiveBlock),
      skipped: comparison.skipped,
      notes: comparison.notes,
    }),
  ];
  return `${lines.join("\n")}\n`;
}
