import { redactReportInput } from "../redact.js";
import type { VerdictComparison } from "../core/comparison-block.js";
import type { ReportInput, RouteRow } from "../core/types.js";
import {
  describeRun,
  describeRunTime,
  formatComparisonVerdict,
} from "./comparison-figures.js";
import { renderComparisonTable } from "./comparison-markdown.js";
import {
  formatBound,
  formatK6,
  formatNumber,
  formatOutcome,
  formatPrometheusSection,
  formatTiers,
  formatValue,
  formatWindow,
  MISSING,
} from "./format.js";
import { escapeMarkdown } from "./markdown-escape.js";

export { escapeMarkdown };

export interface MarkdownReportOptions {
  /** Route rows beyond this many are summarized in one line (PR comments are capped at 65536 characters). */
  maxRoutes?: number;
}

const DEFAULT_MAX_ROUTES = 50;

/**
 * The verdict as GitHub-flavoured Markdown for a PR comment or a job summary:
 * a status line, the objectives table, the comparison with a baseline when
 * there was one, findings and the per-route table in a collapsed section.
 * Every user- or tag-derived string is escaped.
 */
export function renderMarkdown(input: ReportInput, options: MarkdownReportOptions = {}): string {
  const { verdict, routes } = redactReportInput(input);
  const lines: string[] = [];
  lines.push(
    `### slogate: ${formatOutcome(verdict.verdict)} (${formatTiers(verdict)})`,
    "",
    `Profile **${escapeMarkdown(verdict.profile)}** · ${escapeMarkdown(formatWindow(verdict.window))} · ${escapeMarkdown(formatK6(verdict.k6))}`,
  );
  if (verdict.run !== undefined) {
    const { run } = verdict;
    lines.push(
      "",
      `Run ${escapeMarkdown(run.id)} · scenario ${escapeMarkdown(run.scenario)} · target ${escapeMarkdown(run.target)}`,
    );
  }
  if (verdict.prometheus !== undefined) {
    lines.push("", escapeMarkdown(formatPrometheusSection(verdict.prometheus)));
  }
  lines.push("");

  if (verdict.objectives.length === 0) {
    lines.push("_No objectives were evaluated._");
  } else {
    lines.push(
      "| Objective | Source | Value | Required | Samples | Tier | Verdict | Reason |",
      "| --- | --- | ---: | --- | ---: | --- | --- | --- |",
    );
    for (const objective of verdict.objectives) {
      const advisory = objective.mandatory ? "" : " (advisory)";
      lines.push(
        toRow([
          `${escapeMarkdown(objective.id)}${advisory}`,
          objective.source,
          escapeMarkdown(formatValue(objective.value, objective.unit)),
          escapeMarkdown(formatBound(objective, verdict.requiredTier)),
          String(objective.samples),
          objective.tier ?? MISSING,
          `**${formatOutcome(objective.verdict)}**`,
          escapeMarkdown(objective.reason),
        ]),
      );
    }
  }

  if (verdict.comparison !== undefined) {
    lines.push("", ...renderComparisonSection(verdict.comparison));
  }

  if (verdict.findings.length > 0) {
    lines.push("", "**Findings**", "");
    for (const finding of verdict.findings) {
      lines.push(`- ${finding.severity} ${escapeMarkdown(finding.code)}: ${escapeMarkdown(finding.message)}`);
    }
  }

  if (routes.length > 0) {
    lines.push("", ...renderRoutes(routes, options.maxRoutes ?? DEFAULT_MAX_ROUTES));
  }
  return `${lines.join("\n")}\n`;
}

function renderComparisonSection(comparison: VerdictComparison): string[] {
  const ran = describeRunTime(comparison.baseline);
  const advisory = comparison.advisory
    ? " (advisory: an inconclusive comparison does not hold the run back)"
    : "";
  return [
    `#### Compared with baseline: ${formatComparisonVerdict(comparison.verdict)}${advisory}`,
    "",
    `Baseline: ${escapeMarkdown(describeRun(comparison.baseline))}${ran === null ? "" : ` · from ${escapeMarkdown(ran)}`}`,
    "",
    ...renderComparisonTable(comparison),
  ];
}

function renderRoutes(routes: RouteRow[], maxRoutes: number): string[] {
  const shown = routes.slice(0, maxRoutes);
  const lines = [
    "<details><summary>Routes (" + String(routes.length) + ")</summary>",
    "",
    "| Route | Method | Requests | Failed | req/s | p50 | p95 | p99 |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...shown.map((route) =>
      toRow([
        escapeMarkdown(route.name),
        escapeMarkdown(route.method),
        String(route.requests),
        String(route.failed),
        formatNumber(route.ratePerSecond),
        formatMs(route.p50Ms),
        formatMs(route.p95Ms),
        formatMs(route.p99Ms),
      ]),
    ),
  ];
  if (routes.length > shown.length) {
    lines.push("", `_${routes.length - shown.length} more routes not shown; see report.html._`);
  }
  lines.push("", "</details>");
  return lines;
}

function formatMs(value: number | null): string {
  return value === null ? MISSING : `${formatNumber(value)} ms`;
}

function toRow(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}
