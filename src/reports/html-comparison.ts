import type {
  ComparisonFigures,
  ComparisonRunFigures,
  VerdictComparison,
} from "../core/comparison-block.js";
import {
  describeRun,
  describeRunTime,
  formatChange,
  formatComparisonVerdict,
  formatFigure,
  formatInterval,
  formatIntervalHeading,
  formatMarginShort,
} from "./comparison-figures.js";
import { escapeHtml } from "./html-escape.js";

/** One run's series as uPlot tables: `[x values, y values]`, x ascending. */
type Series = [number[], (number | null)[]];

/** What the comparison charts draw; numbers only, so nothing in it is user text. */
export interface ComparisonChartData {
  /** x: "nines" of the percentile, −log10(1 − p/100) (p50 → 0.3, p99 → 2, p99.9 → 3); y: ms. */
  spectrum: { baseline: Series; candidate: Series } | null;
  /** x: seconds since the judged window began; y: the slice's p95 in ms (null: no requests). */
  timeline: { baseline: Series; candidate: Series } | null;
}

/** −log10(1 − p/100): equal steps per added nine, so the tail gets as much room as the body. */
function toNines(percent: number): number {
  return -Math.log10(1 - percent / 100);
}

function toSpectrumSeries(run: ComparisonRunFigures): Series {
  return [run.spectrum.map((point) => toNines(point.percent)), run.spectrum.map((point) => point.ms)];
}

function toTimelineSeries(run: ComparisonRunFigures): Series {
  return [run.timeline.map((point) => point.offsetSeconds), run.timeline.map((point) => point.p95Ms)];
}

/** The two charts' data, or null for a chart neither run has a figure for. */
export function buildComparisonChartData(figures: ComparisonFigures | undefined): ComparisonChartData {
  if (figures === undefined) return { spectrum: null, timeline: null };
  const { baseline, candidate } = figures;
  const hasSpectrum = baseline.spectrum.length > 0 || candidate.spectrum.length > 0;
  const hasTimeline = [...baseline.timeline, ...candidate.timeline].some((point) => point.p95Ms !== null);
  return {
    spectrum: hasSpectrum
      ? { baseline: toSpectrumSeries(baseline), candidate: toSpectrumSeries(candidate) }
      : null,
    timeline: hasTimeline
      ? { baseline: toTimelineSeries(baseline), candidate: toTimelineSeries(candidate) }
      : null,
  };
}

function renderComparisonTable(comparison: VerdictComparison): string {
  if (comparison.objectives.length === 0) return '<p class="empty">No objective was compared.</p>';
  const head = `<tr><th>Objective</th><th class=num>Baseline</th><th class=num>This run</th><th class=num>Change</th><th class=num>${formatIntervalHeading(comparison.objectives)}</th><th class=num>Margin</th><th>Verdict</th><th>Reason</th></tr>`;
  const rows = comparison.objectives.map((objective) => {
    const cells = [
      `<td class="id">${escapeHtml(objective.id)}${objective.mandatory ? "" : ' <span class="tag">informational</span>'}</td>`,
      `<td class="num">${escapeHtml(formatFigure(objective, objective.baseline))}</td>`,
      `<td class="num">${escapeHtml(formatFigure(objective, objective.candidate))}</td>`,
      `<td class="num">${escapeHtml(formatChange(objective))}</td>`,
      `<td class="num">${escapeHtml(formatInterval(objective))}</td>`,
      `<td class="num">${escapeHtml(formatMarginShort(objective))}</td>`,
      `<td><span class="badge ${objective.verdict}">${formatComparisonVerdict(objective.verdict)}</span></td>`,
      `<td class="reason">${escapeHtml(objective.reason)}</td>`,
    ];
    return `<tr>${cells.join("")}</tr>`;
  });
  return `<table class="data" id="comparison-objectives"><thead>${head}</thead><tbody>${rows.join("")}</tbody></table>`;
}

function renderChartPanel(id: string, title: string, note: string, present: boolean): string {
  const body = present
    ? `<p class="chart-note">${note}</p><div class="chart" id="${id}"></div>`
    : '<p class="empty">Neither run has latency figures for this chart.</p>';
  return `<section class="panel"><h2>${title}</h2>${body}</section>`;
}

/**
 * The "Compared with baseline" panel: the comparison's verdict, where the
 * baseline came from, one table row per compared objective, the objectives
 * not compared and the notes; then, with figures, the two runs' latency
 * spectra overlaid and their p95 timelines. Every string from the
 * comparison is escaped; the comparison must already be redacted.
 */
export function renderComparisonSection(
  comparison: VerdictComparison | undefined,
  figures: ComparisonFigures | undefined,
  charts: ComparisonChartData,
): string {
  if (comparison === undefined && figures === undefined) return "";
  const parts: string[] = [];
  if (comparison !== undefined) {
    const ran = describeRunTime(comparison.baseline);
    const advisory = comparison.advisory
      ? '<span class="tag">advisory: an inconclusive comparison does not hold the run back</span>'
      : "";
    const notes = [
      ...comparison.skipped.map(
        (skipped) =>
          `<li><span class="code">not compared</span> ${escapeHtml(skipped.id)}: ${escapeHtml(skipped.reason)}</li>`,
      ),
      ...comparison.notes.map((note) => `<li><span class="code">note</span> ${escapeHtml(note)}</li>`),
    ];
    parts.push(
      `<section class="panel" id="comparison"><h2>Compared with baseline <span class="badge ${comparison.verdict}" id="comparison-verdict">${formatComparisonVerdict(comparison.verdict)}</span> ${advisory}</h2>` +
        `<div class="facts"><span>baseline <b id="comparison-baseline">${escapeHtml(describeRun(comparison.baseline))}</b></span>${ran === null ? "" : `<span>from ${escapeHtml(ran)}</span>`}</div>` +
        renderComparisonTable(comparison) +
        (notes.length === 0 ? "" : `<ul class="findings">${notes.join("")}</ul>`) +
        "</section>",
    );
  }
  if (figures !== undefined) {
    const subject = escapeHtml(figures.subject);
    parts.push(
      renderChartPanel(
        "chart-comparison-spectrum",
        "Latency distribution: baseline and this run",
        `${subject}, each run's whole judged window; x: percentile, one step per added nine`,
        charts.spectrum !== null,
      ),
      renderChartPanel(
        "chart-comparison-timeline",
        "p95 over time: baseline and this run",
        `${subject}, per slice; x: seconds since each run's judged window began`,
        charts.timeline !== null,
      ),
    );
  }
  return parts.join("\n");
}

/**
 * The comparison charts' script (plain ES2017, run as-is in the browser,
 * appended to the page's chart script so the CSP still names one hash):
 * reads `comparison` from the chart data block and draws both runs on one
 * chart each with uPlot, their points joined on x by uPlot.join.
 */
export const COMPARISON_CHART_SCRIPT = String.raw`(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("slogate-data").textContent).comparison;
  window.slogateCharts = window.slogateCharts || [];
  if (!data) return;

  var BASELINE = "#64748b";
  var CANDIDATE = "#ea580c";

  function format(value) {
    if (value == null || !isFinite(value)) return "–";
    var magnitude = Math.abs(value);
    var text = magnitude >= 100 ? value.toFixed(0) : magnitude >= 1 ? value.toFixed(1) : value.toPrecision(2);
    return text.indexOf(".") >= 0 && text.indexOf("e") < 0 ? text.replace(/\.?0+$/, "") : text;
  }

  // Back from nines to a percentile: 2 → 99, 3 → 99.9.
  function percentile(nines) {
    var p = 100 * (1 - Math.pow(10, -nines));
    var digits = nines < 1 ? 0 : Math.min(4, Math.ceil(nines) - 1);
    return "p" + String(Number(p.toFixed(digits)));
  }
  var NINE_TICKS = [0, 50, 90, 99, 99.9, 99.99].map(function (p) { return -Math.log10(1 - p / 100); });

  function positive(values) {
    return values.every(function (v) { return v == null || v > 0; });
  }

  function makeChart(id, options, joined) {
    var root = document.getElementById(id);
    if (!root) return;
    options.width = Math.max(320, root.clientWidth);
    options.height = 260;
    var chart = new uPlot(options, joined, root);
    window.slogateCharts.push(chart);
    window.addEventListener("resize", function () {
      chart.setSize({ width: Math.max(320, root.clientWidth), height: 260 });
    });
  }

  function line(label, color, dash) {
    return {
      label: label,
      stroke: color,
      width: 2,
      dash: dash,
      points: { show: true, size: 4 },
      value: function (u, v) { return v == null ? "–" : format(v) + " ms"; }
    };
  }

  function axis(label, values, splits) {
    var a = {
      label: label,
      labelSize: 20,
      stroke: "#334155",
      grid: { stroke: "rgba(15, 23, 42, 0.07)" },
      values: values
    };
    if (splits) a.splits = splits;
    return a;
  }

  var msAxis = axis("latency (ms)", function (u, ticks) { return ticks.map(format); });
  msAxis.size = 60;

  if (data.spectrum) {
    var spectrum = uPlot.join([data.spectrum.baseline, data.spectrum.candidate]);
    var lastNine = Math.max(0.5, spectrum[0][spectrum[0].length - 1] || 0);
    // A log axis keeps p50 and p99.9 apart when they differ tenfold; it needs values above 0.
    var logY = positive(spectrum[1]) && positive(spectrum[2]);
    makeChart("chart-comparison-spectrum", {
      padding: [12, 16, 0, 0],
      scales: {
        x: { time: false, range: function () { return [0, lastNine]; } },
        y: logY ? { distr: 3, log: 10 } : { range: function (u, min, max) { return [0, max > 0 ? max * 1.12 : 1]; } }
      },
      axes: [
        axis("percentile", function (u, ticks) { return ticks.map(percentile); }, function () {
          return NINE_TICKS.filter(function (tick) { return tick <= lastNine + 1e-9; });
        }),
        msAxis
      ],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: "percentile", value: function (u, v) { return v == null ? "–" : percentile(v); } },
        line("baseline", BASELINE, [6, 3]),
        line("this run", CANDIDATE)
      ]
    }, spectrum);
  }

  if (data.timeline) {
    var timeline = uPlot.join([data.timeline.baseline, data.timeline.candidate]);
    var secondsAxis = axis("seconds since the window began", function (u, ticks) { return ticks.map(format); });
    makeChart("chart-comparison-timeline", {
      padding: [12, 16, 0, 0],
      scales: {
        x: { time: false },
        y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.12 : 1]; } }
      },
      axes: [secondsAxis, axis("p95 (ms)", function (u, ticks) { return ticks.map(format); })],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: "second", value: function (u, v) { return v == null ? "–" : format(v) + " s"; } },
        line("baseline p95", BASELINE, [6, 3]),
        line("this run p95", CANDIDATE)
      ]
    }, timeline);
  }
})();
`;
