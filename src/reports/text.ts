import { redactReportInput } from "../redact.js";
import type { ComparisonVerdict } from "../core/compare/index.js";
import type { ObjectiveResult, Outcome, ReportInput } from "../core/types.js";
import {
  describeRun,
  describeRunTime,
  formatComparisonLines,
  formatComparisonVerdict,
} from "./comparison-figures.js";
import {
  formatBound,
  formatK6,
  formatOutcome,
  formatPrometheusSection,
  formatTiers,
  formatValue,
  formatWindow,
  MISSING,
} from "./format.js";

export interface TextReportOptions {
  /** ANSI colors; the caller decides (stdout is a TTY and NO_COLOR is unset). */
  color: boolean;
}

type Style = "bold" | "dim" | "red" | "green" | "yellow" | "magenta";

const ANSI: Record<Style, [string, string]> = {
  bold: ["\u001b[1m", "\u001b[22m"],
  dim: ["\u001b[2m", "\u001b[22m"],
  red: ["\u001b[31m", "\u001b[39m"],
  green: ["\u001b[32m", "\u001b[39m"],
  yellow: ["\u001b[33m", "\u001b[39m"],
  magenta: ["\u001b[35m", "\u001b[39m"],
};

const OUTCOME_STYLE: Record<Outcome, Style> = {
  pass: "green",
  fail: "red",
  inconclusive: "yellow",
  error: "magenta",
};

const COMPARISON_STYLE: Record<ComparisonVerdict, Style> = {
  regressed: "red",
  inconclusive: "yellow",
  unchanged: "green",
  improved: "green",
};

const HEADINGS = ["OBJECTIVE", "SOURCE", "VALUE", "REQUIRED", "SAMPLES", "TIER", "VERDICT", "REASON"];

// Numbers read best right-aligned.
const RIGHT_ALIGNED = new Set([2, 4]);

/**
 * The terminal report: a header with the overall verdict, tiers, window and
 * k6 run, then one row per objective, the comparison with a baseline when
 * there was one, and the findings.
 */
export function renderText(input: ReportInput, options: TextReportOptions): string {
  const { verdict } = redactReportInput(input);
  const paint = (style: Style, text: string): string =>
    options.color ? `${ANSI[style][0]}${text}${ANSI[style][1]}` : text;

  const lines: string[] = [];
  const outcome = paint(OUTCOME_STYLE[verdict.verdict], formatOutcome(verdict.verdict));
  lines.push(
    `${paint("bold", "slogate")} ${paint("bold", outcome)}  profile ${clean(verdict.profile)} · ${formatTiers(verdict)}`,
  );
  lines.push(`${formatWindow(verdict.window)} · ${formatK6(verdict.k6)}`);
  if (verdict.run !== undefined) {
    const { run } = verdict;
    lines.push(`run ${clean(run.id)} · scenario ${clean(run.scenario)} · target ${clean(run.target)}`);
  }
  if (verdict.prometheus !== undefined) lines.push(formatPrometheusSection(verdict.prometheus));
  lines.push("");

  if (verdict.objectives.length === 0) {
    lines.push(paint("dim", "no objectives were evaluated"));
  } else {
    const rows = verdict.objectives.map((objective) => toCells(objective, verdict.requiredTier));
    const widths = HEADINGS.map((heading, column) =>
      Math.max(heading.length, ...rows.map((row) => row[column]?.length ?? 0)),
    );
    lines.push(paint("dim", joinCells(HEADINGS, widths)));
    verdict.objectives.forEach((objective, index) => {
      const cells = rows[index] ?? [];
      const style = OUTCOME_STYLE[objective.verdict];
      lines.push(joinCells(cells, widths, (column, text) => (column === 6 ? paint(style, text) : text)));
    });
    if (verdict.objectives.some((objective) => !objective.mandatory)) {
      lines.push(paint("dim", "* advisory: not mandatory, does not change the verdict"));
    }
  }

  if (verdict.comparison !== undefined) {
    const { comparison } = verdict;
    const ran = describeRunTime(comparison.baseline);
    const word = formatComparisonVerdict(comparison.verdict);
    const advisory = comparison.advisory ? " (advisory: an inconclusive comparison does not hold the run back)" : "";
    lines.push(
      "",
      `${paint("bold", "Compared with baseline:")} ${paint(COMPARISON_STYLE[comparison.verdict], word)}${advisory}`,
      `  baseline: ${clean(describeRun(comparison.baseline))}${ran === null ? "" : ` · from ${clean(ran)}`}`,
      ...formatComparisonLines(comparison, clean).map((line) => `  ${line}`),
    );
    if (comparison.objectives.length === 0) lines.push(`  ${paint("dim", "no objective was compared")}`);
  }

  if (verdict.findings.length > 0) {
    lines.push("", "findings");
    const codeWidth = Math.max(...verdict.findings.map((finding) => clean(finding.code).length));
    for (const finding of verdict.findings) {
      const severity =
        finding.severity === "warning" ? paint("yellow", "warning") : paint("dim", "info   ");
      lines.push(`  ${severity} ${clean(finding.code).padEnd(codeWidth)}  ${clean(finding.message)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function toCells(objective: ObjectiveResult, requiredTier: ReportInput["verdict"]["requiredTier"]): string[] {
  return [
    `${clean(objective.id)}${objective.mandatory ? "" : "*"}`,
    objective.source,
    formatValue(objective.value, objective.unit),
    formatBound(objective, requiredTier),
    String(objective.samples),
    objective.tier ?? MISSING,
    formatOutcome(objective.verdict),
    clean(objective.reason),
  ];
}

// Pads on the plain text, then styles, so escape codes never skew columns.
function joinCells(
  cells: readonly string[],
  widths: readonly number[],
  style: (column: number, text: string) => string = (_column, text) => text,
): string {
  return cells
    .map((cell, column) => {
      const last = column === cells.length - 1;
      const width = widths[column] ?? cell.length;
      const padded = last ? cell : RIGHT_ALIGNED.has(column) ? cell.padStart(width) : cell.padEnd(width);
      return style(column, padded);
    })
    .join("  ")
    .trimEnd();
}

// User-derived text must not move the cursor, recolor the terminal or
// reorder what follows (bidi overrides), so control characters are shown as
// escapes instead of being sent.
function clean(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what this escapes
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
