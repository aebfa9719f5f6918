import type { ComparisonReport } from "../core/compare-runs.js";
import {
  describeRun,
  formatChange,
  formatComparisonVerdict,
  formatFigure,
  formatInterval,
  formatMarginShort,
} from "./comparison-figures.js";

/** A comparison as plain text for a terminal: a verdict line, the two runs, one block per objective. */
export function renderComparisonText(report: ComparisonReport): string {
  const { comparison } = report;
  const lines = [
    `slogate compare: ${formatComparisonVerdict(comparison.verdict)} (profile ${report.profile.name})`,
    `  baseline:  ${describeRun(report.baseline)}`,
    `  candidate: ${describeRun(report.candidate)}`,
    "",
  ];
  for (const objective of comparison.objectives) {
    const optional = objective.mandatory ? "" : " (informational)";
    lines.push(
      `${formatComparisonVerdict(objective.verdict).padEnd(12)} ${objective.id}${optional}: ` +
        `${formatFigure(objective, objective.effect.baseline)} → ${formatFigure(objective, objective.effect.candidate)}, ` +
        `change ${formatChange(objective.effect)}, 95 % interval ${formatInterval(objective.effect)}, margin ${formatMarginShort(objective)}`,
      `             ${objective.reason}`,
    );
  }
  for (const skipped of comparison.skipped) {
    lines.push(`${"NOT COMPARED".padEnd(12)} ${skipped.id}: ${skipped.reason}`);
  }
  for (const note of comparison.notes) lines.push(`note: ${note}`);
  return `${lines.join("\n")}\n`;
}
