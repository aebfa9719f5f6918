import type { ComparisonReport } from "../core/compare-runs.js";
import {
  describeRun,
  formatChange,
  formatComparisonVerdict,
  formatFigure,
  formatInterval,
  formatMarginShort,
} from "./comparison-figures.js";
import { escapeMarkdown } from "./markdown.js";

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
    "| objective | baseline | candidate | change | 95 % interval | margin | verdict | reason |",
    "| --- | ---: | ---: | ---: | --- | ---: | --- | --- |",
  ];
  for (const objective of comparison.objectives) {
    const id = objective.mandatory ? objective.id : `${objective.id} (informational)`;
    const cells = [
      escapeMarkdown(id),
      formatFigure(objective, objective.effect.baseline),
      formatFigure(objective, objective.effect.candidate),
      formatChange(objective.effect),
      formatInterval(objective.effect),
      formatMarginShort(objective),
      `**${formatComparisonVerdict(objective.verdict)}**`,
      escapeMarkdown(objective.reason),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  if (comparison.skipped.length > 0 || comparison.notes.length > 0) lines.push("");
  for (const skipped of comparison.skipped) {
    lines.push(`- Not compared: ${escapeMarkdown(skipped.id)}: ${escapeMarkdown(skipped.reason)}`);
  }
  for (const note of comparison.notes) lines.push(`- Note: ${escapeMarkdown(note)}`);
  return `${lines.join("\n")}\n`;
}
