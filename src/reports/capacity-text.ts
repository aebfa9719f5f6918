import type { CapacityResult, CapacityStep } from "../core/capacity/result.js";
import { redactReportStrings, type ReportRedaction } from "../redact.js";
import { formatNumber, formatTierLabel, MISSING } from "./format.js";

/** Columns of the capacity curve, shared by the text and Markdown tables. */
export const CURVE_HEADERS = [
  "#",
  "offered req/s",
  "achieved req/s",
  "p95 ms",
  "errors %",
  "dropped",
  "k6 CPU",
  "outcome",
  "why",
] as const;

function optional(value: number | null, format: (value: number) => string = formatNumber): string {
  return value === null ? MISSING : format(value);
}

/** One row of the curve as cells, in CURVE_HEADERS order. */
export function formatCurveRow(step: CapacityStep): string[] {
  const judged =
    step.outcome === "fail" && step.limitedBy === "service" ? "fail (service)" : step.outcome;
  const outcome = step.repeated ? `${judged}, run again` : judged;
  return [
    String(step.index),
    String(step.ratePerSecond),
    optional(step.achievedRatePerSecond),
    optional(step.p95Ms),
    optional(step.errorRate, (ratio) => formatNumber(ratio * 100)),
    String(step.droppedIterations),
    optional(step.k6CpuCores, (cores) => `${cores.toFixed(2)}/${step.hostCores}`),
    outcome,
    step.reasons[0] ?? step.server?.notes[0] ?? "",
  ];
}

/** The server's figures per step (`--prometheus`), one line each; none without them. */
function formatServerLines(steps: readonly CapacityStep[]): string[] {
  const lines = steps.flatMap((step) => {
    const server = step.server;
    if (!server) return [];
    const db = server.dbP95Ms === null ? "" : ` · db p95 ${formatNumber(server.dbP95Ms)} ms`;
    return [
      `#${step.index} ${step.ratePerSecond} req/s: p95 ${optional(server.p95Ms)} ms · errors ${optional(server.errorRatio, (ratio) => `${formatNumber(ratio * 100)}%`)} · ${optional(server.requestsPerSecond)} req/s${db}`,
    ];
  });
  return lines.length === 0 ? [] : ["", "server side (Prometheus):", ...lines];
}

/** The headline: the statement plus the throughput tier it reaches. */
export function formatCapacityHeadline(result: CapacityResult): string {
  const tier =
    result.throughputTier === null
      ? ""
      : ` · throughput tier ${result.atLeast ? "at least " : ""}${formatTierLabel(result.throughputTier)}`;
  return `${result.statement}${tier}`;
}

function formatSettings(result: CapacityResult): string {
  const s = result.settings;
  const bound = result.latencyBoundMs === null ? "" : `, p95 < ${result.latencyBoundMs} ms`;
  return `profile ${result.profile} at ${formatTierLabel(result.requiredTier)}${bound}; steps ${s.warmUpSeconds} s warm-up + ${s.steadySeconds} s judged; rates ${s.minRatePerSecond}..${s.maxRatePerSecond} req/s ×${s.growthFactor}, precision ${formatNumber(s.precisionRatio * 100)}%, budget ${s.budgetSeconds} s`;
}

function padTable(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? "").length)),
  ) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

/** Plain-text report: headline, settings, the curve as a table, findings. */
export function renderCapacityText(input: CapacityResult, redaction: ReportRedaction = {}): string {
  const result = redactReportStrings(input, redaction);
  const lines = [
    `slogate capacity: ${formatCapacityHeadline(result)}`,
    `target ${result.target} · stopped by ${result.stoppedBy} · ${result.steps.length} steps in ${Math.round(result.wallSeconds)} s`,
    formatSettings(result),
    "",
    ...padTable([[...CURVE_HEADERS], ...result.steps.map(formatCurveRow)]),
    ...formatServerLines(result.steps),
  ];
  if (result.findings.length > 0) {
    lines.push("", ...result.findings.map((finding) => `${finding.severity}: ${finding.message}`));
  }
  return `${lines.join("\n")}\n`;
}

function escapeCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}

/** Markdown report, e.g. for a job summary. */
export function renderCapacityMarkdown(
  input: CapacityResult,
  redaction: ReportRedaction = {},
): string {
  const result = redactReportStrings(input, redaction);
  const lines = [
    `## slogate capacity: ${escapeCell(formatCapacityHeadline(result))}`,
    "",
    `Target \`${escapeCell(result.target)}\` · stopped by **${result.stoppedBy}** · ${result.steps.length} steps in ${Math.round(result.wallSeconds)} s`,
    "",
    escapeCell(formatSettings(result)),
    "",
    `| ${CURVE_HEADERS.join(" | ")} |`,
    `| ${CURVE_HEADERS.map((_, column) => (column >= 1 && column <= 5 ? "---:" : "---")).join(" | ")} |`,
    ...result.steps.map((step) => `| ${formatCurveRow(step).map(escapeCell).join(" | ")} |`),
  ];
  if (result.findings.length > 0) {
    lines.push("", ...result.findings.map((finding) => `- **${finding.severity}** ${escapeCell(finding.message)}`));
  }
  return `${lines.join("\n")}\n`;
}
