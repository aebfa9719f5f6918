import { redactReportInput } from "../redact.js";
import type { ReportInput, RouteRow } from "../core/types.js";
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

export interface MarkdownReportOptions {
  /** Route rows beyond this many are summarized in one line (PR comments are capped at 65536 characters). */
  maxRoutes?: number;
}

const DEFAULT_MAX_ROUTES = 50;

/**
 * The verdict as GitHub-flavoured Markdown for a PR comment or a job summary:
 * a status line, the objectives table, findings and the per-route table in a
 * collapsed section. Every user- or tag-derived string is escaped.
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

/**
 * Makes text inert inside a Markdown table cell or list item: backslash-escapes
 * every character GitHub gives meaning to inside a line (`|`, emphasis, code,
 * `[`/`]`, `$` for math, `~` for strikethrough), turns `<`, `>` and `&` into
 * entities so no raw HTML survives, keeps `@name` from pinging anyone, folds
 * line breaks and replaces control characters. Parentheses stay: without an
 * unescaped `]` before them they cannot form a link.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, " ")
    // eslint-disable-next-line no-control-regex -- control characters are what this strips
    .replace(/[\u0000-\u001f\u007f]/g, "\ufffd")
    .replace(/[\\`*_[\]#!|~$]/g, (char) => `\\${char}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(?=\w)/g, "@&#8203;");
}
