import { redactReportStrings, type ReportRedaction } from "../redact.js";
import { createHash } from "node:crypto";
import type { CapacityResult, CapacityStep } from "../core/capacity/result.js";
import type { TierBounds } from "../core/types.js";
import { InternalError } from "../errors.js";
import { CAPACITY_CHART_SCRIPT } from "./capacity-chart-script.js";
import { CURVE_HEADERS, formatCapacityHeadline, formatCurveRow } from "./capacity-text.js";
import { escapeHtml, serializeJsonForHtml, type UplotAssets } from "./html.js";
import { PAGE_STYLE } from "./html-style.js";

/** What the page's chart script draws: numbers and outcome words only. */
export interface CapacityChartData {
  /** Steps sorted by offered rate. */
  offered: number[];
  achieved: (number | null)[];
  p95Ms: (number | null)[];
  errorPercent: (number | null)[];
  outcome: string[];
  capacity: number | null;
  firstFailing: number | null;
  latencyBands: (TierBounds & { required: string }) | null;
}

/** The curve, sorted by offered rate, for the charts. */
export function buildCapacityChartData(result: CapacityResult): CapacityChartData {
  const steps = result.steps
    .filter((step) => step.outcome !== "interrupted" && step.outcome !== "error")
    .sort((a, b) => a.ratePerSecond - b.ratePerSecond || a.index - b.index);
  return {
    offered: steps.map((step) => step.ratePerSecond),
    achieved: steps.map((step) => step.achievedRatePerSecond),
    p95Ms: steps.map((step) => step.p95Ms),
    errorPercent: steps.map((step) => (step.errorRate === null ? null : step.errorRate * 100)),
    outcome: steps.map((step) => step.outcome),
    capacity: result.capacityRatePerSecond,
    firstFailing: result.firstFailingRatePerSecond,
    latencyBands:
      result.latencyBounds === null ? null : { ...result.latencyBounds, required: result.requiredTier },
  };
}

function hashSource(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

const EXTRA_STYLE = `
.badge.found, .badge.ceiling-reached { background: var(--pass); }
.badge.generator-limited, .badge.lower-bound { background: var(--inconclusive); }
.badge.no-passing-rate, .badge.no-result { background: var(--fail); }
td.outcome-pass { color: var(--pass); font-weight: 600; }
td.outcome-fail { color: var(--fail); font-weight: 600; }
td.outcome-generator-limited, td.outcome-inconclusive { color: var(--inconclusive); font-weight: 600; }
`;

function renderCurve(steps: readonly CapacityStep[]): string {
  if (steps.length === 0) return '<p class="empty">No step finished.</p>';
  const head = `<tr>${CURVE_HEADERS.map((header, column) => `<th${column >= 1 && column <= 6 ? " class=num" : ""}>${escapeHtml(header)}</th>`).join("")}</tr>`;
  const rows = steps.map((step) => {
    const cells = formatCurveRow(step);
    cells[cells.length - 1] = [...step.reasons, ...(step.server?.notes ?? [])].join("; ");
    return `<tr>${cells
      .map((cell, column) => {
        const cls =
          column === 7 ? ` class="outcome-${step.outcome}"` : column >= 1 && column <= 6 ? ' class="num"' : column === 8 ? ' class="reason"' : "";
        return `<td${cls}>${escapeHtml(cell)}</td>`;
      })
      .join("")}</tr>`;
  });
  return `<table class="data" id="curve"><thead>${head}</thead><tbody>${rows.join("")}</tbody></table>`;
}

/**
 * One self-contained page: the capacity headline, charts of p95, error rate
 * and achieved rate against the offered rate (uPlot, inline), the curve
 * table and findings. Same safety rules as the verdict page: a CSP allowing
 * only the page's own scripts by hash, every text escaped, data as escaped
 * JSON in a non-executed block.
 */
export function renderCapacityHtml(
  input: CapacityResult,
  uplot: UplotAssets,
  redaction: ReportRedaction = {},
): string {
  const result = redactReportStrings(input, redaction);
  for (const [name, text] of [
    ["uPlot script", uplot.script],
    ["uPlot stylesheet", uplot.css],
  ] as const) {
    if (/<\/(script|style)|<!--/i.test(text)) {
      throw new InternalError("REPORT_ASSET_UNSAFE", `${name} contains markup that would end its element`);
    }
  }
  const data = buildCapacityChartData(result);
  const style = `${uplot.css}\n${PAGE_STYLE}\n${EXTRA_STYLE}`;
  const csp = [
    "default-src 'none'",
    `script-src ${hashSource(uplot.script)} ${hashSource(CAPACITY_CHART_SCRIPT)}`,
    `style-src ${hashSource(style)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const findings =
    result.findings.length === 0
      ? ""
      : `<section class="panel"><h2>Findings</h2><ul class="findings">${result.findings
          .map((f) => `<li><span class="severity-${f.severity}">${f.severity}</span> <span class="code">${escapeHtml(f.code)}</span> ${escapeHtml(f.message)}</li>`)
          .join("")}</ul></section>`;
  const s = result.settings;
  const facts = [
    `target <b>${escapeHtml(result.target)}</b>`,
    `profile <b>${escapeHtml(result.profile)}</b> at <b>${escapeHtml(result.requiredTier)}</b>`,
    `stopped by <b>${escapeHtml(result.stoppedBy)}</b>`,
    `${result.steps.length} steps, ${Math.round(result.wallSeconds)} s`,
    `steps: ${s.warmUpSeconds} s warm-up + ${s.steadySeconds} s judged`,
    `k6 ${escapeHtml(result.k6.version ?? "unknown")}`,
  ];
  const charts =
    data.offered.length === 0
      ? '<section class="panel"><h2>Curve</h2><p class="empty">No judged step to chart.</p></section>'
      : [
          ["chart-latency", "p95 latency vs offered rate"],
          ["chart-achieved", "Achieved vs offered rate"],
          ["chart-errors", "Error rate vs offered rate"],
        ]
          .map(([id, title]) => `<section class="panel"><h2>${title}</h2><div class="chart" id="${id}"></div></section>`)
          .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>slogate capacity · ${escapeHtml(result.statement)}</title>
<style>${style}</style>
</head>
<body>
<main>
<header><h1>slogate capacity</h1><span class="badge big ${result.kind}" id="capacity">${escapeHtml(formatCapacityHeadline(result))}</span></header>
<div class="facts">${facts.map((fact) => `<span>${fact}</span>`).join("")}</div>
${findings}
${charts}
<section class="panel"><h2>Steps</h2>${renderCurve(result.steps)}</section>
<footer>slogate capacity schema ${result.schemaVersion}. Run ${escapeHtml(result.runId)}.</footer>
</main>
<script type="application/json" id="slogate-capacity-data">${serializeJsonForHtml(data)}</script>
<script>${uplot.script}</script>
<script>${CAPACITY_CHART_SCRIPT}</script>
</body>
</html>
`;
}
