import { redactReportInput } from "../redact.js";
import { createHash } from "node:crypto";
import type { ObjectiveResult, ReportInput, RouteRow, Verdict } from "../core/types.js";
import { InternalError } from "../errors.js";
import {
  formatBound,
  formatK6,
  formatNumber,
  formatOutcome,
  formatPrometheusSection,
  formatTierLabel,
  formatValue,
  formatWindow,
  MISSING,
} from "./format.js";
import { buildChartData, CHART_SCRIPT, type ChartBands } from "./html-charts.js";
import {
  buildComparisonChartData,
  COMPARISON_CHART_SCRIPT,
  renderComparisonSection,
} from "./html-comparison.js";
import { escapeHtml } from "./html-escape.js";
import { PAGE_STYLE } from "./html-style.js";

export { escapeHtml };

// One script element for every chart, so the CSP names one hash for it.
const PAGE_SCRIPT = `${CHART_SCRIPT}\n${COMPARISON_CHART_SCRIPT}`;

/** uPlot's browser build and stylesheet, inlined into the page. */
export interface UplotAssets {
  /** Contents of uPlot.iife.min.js (defines the global `uPlot`). */
  script: string;
  /** Contents of uPlot.min.css. */
  css: string;
}

export interface HtmlReportOptions {
  uplot: UplotAssets;
}

/**
 * One self-contained HTML page: verdict header, the objectives table, the
 * comparison with a baseline when there was one (its table, both runs'
 * latency spectra overlaid and their p95 timelines), latency (p50/p95/p99
 * with the latency_p95 tier bands), throughput and error-rate charts, and
 * the per-route table. Nothing is fetched: uPlot, styles and
 * data are inline, and a Content-Security-Policy allows only the page's own
 * two scripts (by hash) and its own stylesheet. User-derived text is
 * HTML-escaped; the chart data travels as JSON in a non-executed script
 * block with `<`, `>`, `&`, U+2028 and U+2029 escaped.
 */
export function renderHtml(input: ReportInput, options: HtmlReportOptions): string {
  const redacted = redactReportInput(input);
  const { verdict, routes } = redacted;
  for (const [name, text] of [
    ["uPlot script", options.uplot.script],
    ["uPlot stylesheet", options.uplot.css],
  ] as const) {
    if (/<\/(script|style)|<!--/i.test(text)) {
      throw new InternalError("REPORT_ASSET_UNSAFE", `${name} contains markup that would end its element`);
    }
  }
  const chartData = buildChartData(redacted);
  const comparisonCharts = buildComparisonChartData(redacted.comparisonFigures);
  const style = `${options.uplot.css}\n${PAGE_STYLE}`;
  const csp = [
    "default-src 'none'",
    `script-src ${hashSource(options.uplot.script)} ${hashSource(PAGE_SCRIPT)}`,
    `style-src ${hashSource(style)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const title = `slogate ${formatOutcome(verdict.verdict)} · ${verdict.profile}`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main>
${renderHeader(verdict)}
${renderFindings(verdict)}
<section class="panel"><h2>Objectives</h2>${renderObjectives(verdict)}</section>
${renderComparisonSection(verdict.comparison, redacted.comparisonFigures, comparisonCharts)}
${
  chartData.seconds.length === 0
    ? '<section class="panel"><h2>Over time</h2><p class="empty">No timeline data in this window.</p></section>'
    : [
        renderChartPanel("chart-latency", "Latency percentiles", chartData.bands.latencyMs, "ms", "latency_p95"),
        renderChartPanel("chart-throughput", "Throughput", chartData.bands.ratePerSecond, "req/s", "throughput"),
        renderChartPanel("chart-errors", "Error rate", chartData.bands.errorPercent, "%", "error_rate"),
      ].join("\n")
}
<section class="panel"><h2>Routes</h2>${renderRoutes(routes, chartData.bands.latencyMs)}</section>
<footer>slogate verdict schema ${verdict.schemaVersion}. Times in UTC.</footer>
</main>
<script type="application/json" id="slogate-data">${serializeJsonForHtml({ ...chartData, comparison: comparisonCharts })}</script>
<script>${options.uplot.script}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function renderHeader(verdict: Verdict): string {
  const facts = [
    `<span>profile <b>${escapeHtml(verdict.profile)}</b></span>`,
    `<span>${escapeHtml(formatWindow(verdict.window))}</span>`,
    `<span>${escapeHtml(formatK6(verdict.k6))}</span>`,
  ];
  if (verdict.run !== undefined) {
    facts.push(
      `<span>run <b>${escapeHtml(verdict.run.id)}</b></span>`,
      `<span>scenario <b>${escapeHtml(verdict.run.scenario)}</b></span>`,
      `<span>target <b>${escapeHtml(verdict.run.target)}</b></span>`,
    );
  }
  if (verdict.prometheus !== undefined) {
    facts.push(`<span id="prometheus">${escapeHtml(formatPrometheusSection(verdict.prometheus))}</span>`);
  }
  const achieved = verdict.achievedTier === null ? "none" : formatTierLabel(verdict.achievedTier);
  return `<header>
<h1>slogate report</h1>
<span class="badge big ${verdict.verdict}" id="verdict">${formatOutcome(verdict.verdict)}</span>
<span class="tiers">required <b>${formatTierLabel(verdict.requiredTier)}</b> · achieved <b>${escapeHtml(achieved)}</b></span>
</header>
<div class="facts">${facts.join("")}</div>`;
}

function renderFindings(verdict: Verdict): string {
  if (verdict.findings.length === 0) return "";
  const items = verdict.findings.map(
    (finding) =>
      `<li><span class="severity-${finding.severity}">${finding.severity}</span> <span class="code">${escapeHtml(finding.code)}</span> ${escapeHtml(finding.message)}</li>`,
  );
  return `<section class="panel"><h2>Findings</h2><ul class="findings">${items.join("")}</ul></section>`;
}

function renderObjectives(verdict: Verdict): string {
  if (verdict.objectives.length === 0) return '<p class="empty">No objectives were evaluated.</p>';
  const head =
    "<tr><th>Objective</th><th>Source</th><th class=num>Value</th><th>Required</th><th>Target · Good · Excellent</th><th class=num>Samples</th><th>Tier</th><th>Verdict</th><th>Reason</th></tr>";
  const rows = verdict.objectives.map((objective) => {
    const cells = [
      `<td class="id">${escapeHtml(objective.id)}${objective.mandatory ? "" : ' <span class="tag">advisory</span>'}</td>`,
      `<td>${objective.source}</td>`,
      `<td class="num">${escapeHtml(formatValue(objective.value, objective.unit))}</td>`,
      `<td class="nowrap">${escapeHtml(formatBound(objective, verdict.requiredTier))}</td>`,
      `<td class="bounds">${escapeHtml(formatTierBounds(objective))}</td>`,
      `<td class="num">${objective.samples}</td>`,
      `<td>${objective.tier === null ? MISSING : formatTierLabel(objective.tier)}</td>`,
      `<td><span class="badge ${objective.verdict}">${formatOutcome(objective.verdict)}</span></td>`,
      `<td class="reason">${escapeHtml(objective.reason)}</td>`,
    ];
    return `<tr>${cells.join("")}</tr>`;
  });
  return `<table class="data" id="objectives"><thead>${head}</thead><tbody>${rows.join("")}</tbody></table>`;
}

// `< 500 · 200 · 100 ms`: the operator and unit once, the three bounds in tier order.
function formatTierBounds(objective: ObjectiveResult): string {
  const { bounds, unit } = objective;
  const operator = bounds.direction === "max" ? "<" : "≥";
  const scale = unit === "ratio" ? 100 : 1;
  const numbers = [bounds.target, bounds.good, bounds.excellent].map((bound) => formatNumber(bound * scale));
  return `${operator} ${numbers.join(" · ")} ${unit === "ratio" ? "%" : unit}`;
}

function renderChartPanel(
  id: string,
  title: string,
  bands: ChartBands | null,
  unit: string,
  objectiveId: string,
): string {
  const key =
    bands === null
      ? `<p class="chart-note">No ${objectiveId} objective in this profile, so no tier bands.</p>`
      : renderBandKey(bands, unit, objectiveId);
  return `<section class="panel"><h2>${title}</h2>${key}<div class="chart" id="${id}"></div></section>`;
}

function renderBandKey(bands: ChartBands, unit: string, objectiveId: string): string {
  const operator = bands.direction === "max" ? "<" : "≥";
  const tiers = (["excellent", "good", "target"] as const).map((tier) => {
    const required = tier === bands.required ? " (required)" : "";
    return `<span><i class="swatch ${tier}"></i>${formatTierLabel(tier)} ${operator} ${formatNumber(bands[tier])} ${unit}${required}</span>`;
  });
  tiers.push(`<span><i class="swatch none"></i>below Target</span>`);
  return `<div class="key"><span>bands: ${objectiveId} tiers</span>${tiers.join("")}</div>`;
}

function renderRoutes(routes: RouteRow[], latencyBands: ChartBands | null): string {
  if (routes.length === 0) return '<p class="empty">No per-route data.</p>';
  // A route's p95 above the required latency bound is what a reader hunts for.
  const limitMs =
    latencyBands !== null && latencyBands.direction === "max"
      ? latencyBands[latencyBands.required]
      : Number.POSITIVE_INFINITY;
  const head =
    "<tr><th>Route</th><th>Method</th><th class=num>Requests</th><th class=num>Failed</th><th class=num>Error %</th><th class=num>req/s</th><th class=num>p50</th><th class=num>p95</th><th class=num>p99</th></tr>";
  const ms = (value: number | null) => (value === null ? MISSING : `${formatNumber(value)} ms`);
  const rows = routes.map((route) => {
    const errorPercent = route.requests > 0 ? formatNumber((route.failed / route.requests) * 100) : MISSING;
    const over = route.p95Ms !== null && route.p95Ms >= limitMs ? " over" : "";
    return `<tr><td class="name">${escapeHtml(route.name)}</td><td>${escapeHtml(route.method)}</td><td class="num">${route.requests}</td><td class="num">${route.failed}</td><td class="num">${errorPercent}</td><td class="num">${formatNumber(route.ratePerSecond)}</td><td class="num">${ms(route.p50Ms)}</td><td class="num${over}">${ms(route.p95Ms)}</td><td class="num">${ms(route.p99Ms)}</td></tr>`;
  });
  return `<table class="data" id="routes"><thead>${head}</thead><tbody>${rows.join("")}</tbody></table>`;
}

/**
 * JSON that can sit inside `<script type="application/json">`: `<`, `>` and
 * `&` become `\u003c`-style escapes so no `</script>` or `<!--` can appear,
 * and U+2028/U+2029 are escaped for older JavaScript parsers. `JSON.parse`
 * reads it back unchanged.
 */
export function serializeJsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function hashSource(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}
