import type { VerdictComparison } from "../core/comparison-block.js";
import { toObjectiveBlock, type ComparisonReport } from "../core/compare-runs.js";
import {
  describeRun,
  formatChange,
  formatComparisonVerdict,
  formatFigure,
  formatInterval,
  formatIntervalHeading,
  formatMarginShort,
  formatObjectiveLabel,
} from "./comparison-figures.js";
import { escapeMarkdown } from "./markdown-escape.js";

/**
 * The comparison table, one row per objective (baseline, candidate, change,
 * interval, margin, verdict, reason), then the objectives not compared and
 * the notes as a list. Fits a pull-request comment and the GitHub step
 * summary; every path-, tag- or user-derived string is escaped.
 */
export function renderComparisonTable(
  comparison: Pick<VerdictComparison, "objectives" | "skipped" | "notes">,
): string[] {
  const lines: string[] = [];
  if (comparison.objectives.length === 0) {
    lines.push("_No objective was compared._");
  } else {
    lines.push(
      `| objective | baseline | candidate | change | ${formatIntervalHeading(comparison.objectives)} | margin | verdict | reason |`,
      "| --- | ---: | ---: | ---: | --- | ---: | --- | --- |",
    );
    for (const objective of comparison.objectives) {
      const cells = [
        escapeMarkdown(formatObjectiveLabel(objective)),
        formatFigure(objective, objective.baseline),
        formatFigure(objective, objective.candidate),
        formatChange(objective),
        formatInterval(objective),
        formatMarginShort(objective),
        `**${formatComparisonVerdict(objective.verdict)}**`,
        escapeMarkdown(objective.reason),
      ];
      lines.push(`| ${cells.join(" | ")} |`);
    }
  }
  if (comparison.skipped.length > 0 || comparison.notes.length > 0) lines.push("");
  for (const skipped of comparison.skipped) {
    lines.push(`- Not compared: ${escapeMarkdown(skipped.id)}: ${escapeMarkdown(skipped.reason)}`);
  }
  for (const note of comparison.notes) lines.push(`- Note: ${escapeMarkdown(note)}`);
  return lines;
}

/**
 * A comparison as GitHub-flavoured Markdown for a pull-request comment or the
 * job summary: the verdict, the two runs, and one table row per objective.
 * Every path-, tag- or user-derived string is escaped.
 */
export function renderComparisonMarkdown(report: ComparisonReport): string {
  const { comparison } = report;
  const lines = [
    `### slogate compare: ${formatComparisonVerdict(comparison.verdict)}`,
    "",
    `Profile **${escapeMarkdown(report.profile.name)}**`,
    "",
    `- Baseline: ${escapeMarkdown(describeRun(report.baseline))}`,
    `- Candidate: ${escapeMarkdown(describeRun(report.candidate))}`,
    "",
    ...renderComparisonTable({
      objectives: comparison.objectives.map(toObjectiveBlock),
      skipped: comparison.skipped,
      notes: comparison.notes,
    }),
  ];
  return `${lines.join("\n")}\n`;
}
