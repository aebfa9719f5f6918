import type { ObjectiveResult, ReportInput, RequiredTier, TierBounds } from "../core/types.js";

/** Tier bounds drawn as colored bands behind a chart, in the chart's unit. */
export interface ChartBands extends TierBounds {
  required: RequiredTier;
}

/** What the page's script draws; numbers only, so nothing in it is user text. */
export interface ChartData {
  /** Bucket starts, Unix seconds (uPlot's time unit). */
  seconds: number[];
  /** End of the last bucket, Unix seconds: the x axis spans whole buckets. */
  endSeconds: number | null;
  p50Ms: (number | null)[];
  p95Ms: (number | null)[];
  p99Ms: (number | null)[];
  ratePerSecond: (number | null)[];
  errorPercent: (number | null)[];
  bands: {
    latencyMs: ChartBands | null;
    ratePerSecond: ChartBands | null;
    errorPercent: ChartBands | null;
  };
}

/** Timeline series and tier bands for the three charts. */
export function buildChartData(input: ReportInput): ChartData {
  const { timeline, verdict } = input;
  const last = timeline[timeline.length - 1];
  const find = (id: string, unit: ObjectiveResult["unit"]) =>
    verdict.objectives.find((objective) => objective.id === id && objective.unit === unit);
  const toBands = (objective: ObjectiveResult | undefined, scale = 1): ChartBands | null =>
    objective === undefined
      ? null
      : {
          direction: objective.bounds.direction,
          target: objective.bounds.target * scale,
          good: objective.bounds.good * scale,
          excellent: objective.bounds.excellent * scale,
          required: verdict.requiredTier,
        };
  return {
    seconds: timeline.map((point) => point.startMs / 1000),
    endSeconds: last === undefined ? null : last.startMs / 1000 + last.seconds,
    p50Ms: timeline.map((point) => point.p50Ms),
    p95Ms: timeline.map((point) => point.p95Ms),
    p99Ms: timeline.map((point) => point.p99Ms),
    ratePerSecond: timeline.map((point) =>
      point.seconds > 0 ? point.requests / point.seconds : null,
    ),
    errorPercent: timeline.map((point) =>
      point.requests > 0 ? (point.failed / point.requests) * 100 : null,
    ),
    bands: {
      latencyMs: toBands(find("latency_p95", "ms")),
      ratePerSecond: toBands(find("throughput", "req/s")),
      errorPercent: toBands(find("error_rate", "ratio"), 100),
    },
  };
}

/**
 * The page's own script (plain ES2017, run as-is in the browser): reads the
 * chart data from the JSON block and draws three uPlot charts with the tier
 * bands behind the lines. Kept as a string so the report needs no bundling
 * step; the HTML screenshot test runs it in Chromium.
 */
export const CHART_SCRIPT = String.raw`(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("slogate-data").textContent);
  window.slogateCharts = [];
  if (data.seconds.length === 0) return;

  var BAND_FILL = {
    excellent: "rgba(22, 163, 74, 0.13)",
    good: "rgba(101, 163, 13, 0.10)",
    target: "rgba(234, 179, 8, 0.15)",
    none: "rgba(220, 38, 38, 0.10)"
  };
  var LABELS = { excellent: "Excellent", good: "Good", target: "Target" };
  var ORDER = ["target", "good", "excellent"];

  function format(value) {
    if (value == null || !isFinite(value)) return "–";
    var magnitude = Math.abs(value);
    var text = magnitude >= 100 ? value.toFixed(0) : magnitude >= 1 ? value.toFixed(1) : value.toPrecision(2);
    return text.indexOf(".") >= 0 && text.indexOf("e") < 0 ? text.replace(/\.?0+$/, "") : text;
  }

  // Regions between bounds, each with the tier a value there would reach.
  function regions(bands) {
    var max = bands.direction === "max";
    var edges = [0, bands.excellent, bands.good, bands.target, Infinity];
    var tiers = ["excellent", "good", "target", "none"];
    if (!max) {
      edges = [0, bands.target, bands.good, bands.excellent, Infinity];
      tiers = ["none", "target", "good", "excellent"];
    }
    return tiers.map(function (tier, i) { return { tier: tier, from: edges[i], to: edges[i + 1] }; });
  }

  // Room for the data plus, when it is not far off, the next bound above it,
  // so the headroom to the closest tier line is visible without flattening
  // the lines into the floor.
  function upperBound(dataMax, bands) {
    if (!(dataMax > 0)) {
      return bands ? bands[bands.required] * 1.25 : 1;
    }
    var top = dataMax * 1.12;
    if (bands) {
      var bounds = [bands.target, bands.good, bands.excellent].sort(function (a, b) { return a - b; });
      for (var i = 0; i < bounds.length; i++) {
        if (bounds[i] > dataMax) {
          if (bounds[i] <= dataMax * 3) top = Math.max(top, bounds[i] * 1.12);
          break;
        }
      }
    }
    return top;
  }

  var LABEL_FONT = "11px system-ui, sans-serif";
  var LABEL_FONT_BOLD = "600 " + LABEL_FONT;

  function bandLabel(bands, tier, unit) {
    var text = LABELS[tier] + (bands.direction === "max" ? " < " : " ≥ ") + format(bands[tier]) + " " + unit;
    return tier === bands.required ? text + " ◂ required" : text;
  }

  // Width of the widest tier label, in CSS pixels, for the gutter.
  function gutterWidth(bands, unit) {
    var ctx = document.createElement("canvas").getContext("2d");
    var widest = 0;
    ORDER.forEach(function (tier) {
      ctx.font = tier === bands.required ? LABEL_FONT_BOLD : LABEL_FONT;
      widest = Math.max(widest, ctx.measureText(bandLabel(bands, tier, unit)).width);
    });
    return Math.ceil(widest) + 16;
  }

  function bandsPlugin(bands, unit) {
    return {
      hooks: {
        drawClear: function (u) {
          var ctx = u.ctx, box = u.bbox;
          ctx.save();
          regions(bands).forEach(function (region) {
            var top = Math.max(box.top, u.valToPos(Math.min(region.to, u.scales.y.max), "y", true));
            var bottom = Math.min(box.top + box.height, u.valToPos(region.from, "y", true));
            if (region.from >= u.scales.y.max || bottom <= top) return;
            ctx.fillStyle = BAND_FILL[region.tier];
            ctx.fillRect(box.left, top, box.width, bottom - top);
          });
          ctx.restore();
        },
        draw: function (u) {
          var ctx = u.ctx, box = u.bbox, ratio = uPlot.pxRatio;
          ctx.save();
          ctx.textAlign = "left";
          ctx.textBaseline = "middle";
          ORDER.forEach(function (tier) {
            var value = bands[tier];
            if (value > u.scales.y.max || value < u.scales.y.min) return;
            var y = Math.round(u.valToPos(value, "y", true)) + 0.5;
            var required = tier === bands.required;
            ctx.strokeStyle = required ? "rgba(30, 41, 59, 0.85)" : "rgba(71, 85, 105, 0.6)";
            ctx.lineWidth = (required ? 1.5 : 1) * ratio;
            ctx.setLineDash(required ? [] : [5 * ratio, 4 * ratio]);
            ctx.beginPath();
            ctx.moveTo(box.left, y);
            ctx.lineTo(box.left + box.width + 4 * ratio, y);
            ctx.stroke();
            // Labels sit in the right-hand gutter so they never cover the data.
            ctx.fillStyle = required ? "#0f172a" : "#475569";
            ctx.font = (required ? LABEL_FONT_BOLD : LABEL_FONT).replace("11px", (11 * ratio) + "px");
            ctx.fillText(bandLabel(bands, tier, unit), box.left + box.width + 8 * ratio, y);
          });
          ctx.restore();
        }
      }
    };
  }

  function series(label, color, unit, width, dash) {
    return {
      label: label,
      stroke: color,
      width: width,
      dash: dash,
      spanGaps: false,
      points: { show: data.seconds.length <= 40, size: 4 },
      value: function (u, v) { return v == null ? "–" : format(v) + " " + unit; }
    };
  }

  var DAY = uPlot.fmtDate("{YYYY}-{MM}-{DD}");
  var CLOCK = uPlot.fmtDate("{HH}:{mm}:{ss}");
  function utc(ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); }
  var timeLabel = "time (UTC, " + DAY(utc(data.seconds[0])) + ")";

  // One gutter for all charts, so their time axes line up.
  var GUTTER = Math.max(
    16,
    data.bands.latencyMs ? gutterWidth(data.bands.latencyMs, "ms") : 0,
    data.bands.ratePerSecond ? gutterWidth(data.bands.ratePerSecond, "req/s") : 0,
    data.bands.errorPercent ? gutterWidth(data.bands.errorPercent, "%") : 0
  );

  function makeChart(id, axisLabel, unit, lines, bands) {
    var root = document.getElementById(id);
    if (!root) return;
    var values = [];
    lines.forEach(function (line) { line.values.forEach(function (v) { if (v != null) values.push(v); }); });
    var dataMax = values.length ? Math.max.apply(null, values) : 0;
    var options = {
      width: Math.max(320, root.clientWidth),
      height: 260,
      tzDate: utc,
      // Room on the right for the tier labels.
      padding: [12, GUTTER, 0, 0],
      scales: {
        // From the first bucket's start to the last one's end, so a single
        // bucket still gets a real time axis.
        x: { time: true, range: function () { return [data.seconds[0], Math.max(data.endSeconds, data.seconds[0] + 1)]; } },
        y: { range: function () { return [0, upperBound(dataMax, bands)]; } }
      },
      axes: [
        {
          label: timeLabel,
          // Whole seconds and up: ticks never repeat a second.
          incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400],
          labelSize: 20,
          stroke: "#334155",
          grid: { stroke: "rgba(15, 23, 42, 0.07)" },
          values: function (u, ticks) { return ticks.map(function (ts) { return CLOCK(utc(ts)); }); }
        },
        {
          label: axisLabel,
          labelSize: 20,
          size: 60,
          stroke: "#334155",
          grid: { stroke: "rgba(15, 23, 42, 0.07)" },
          values: function (u, ticks) { return ticks.map(format); }
        }
      ],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [{ label: "time", value: function (u, ts) { return ts == null ? "–" : CLOCK(utc(ts)) + " UTC"; } }].concat(lines.map(function (line) { return line.series; })),
      plugins: bands ? [bandsPlugin(bands, unit)] : []
    };
    var chart = new uPlot(options, [data.seconds].concat(lines.map(function (line) { return line.values; })), root);
    window.slogateCharts.push(chart);
    window.addEventListener("resize", function () {
      chart.setSize({ width: Math.max(320, root.clientWidth), height: 260 });
    });
  }

  makeChart("chart-latency", "latency (ms)", "ms", [
    { series: series("p50", "#0284c7", "ms", 1.5), values: data.p50Ms },
    { series: series("p95", "#ea580c", "ms", 2.5), values: data.p95Ms },
    { series: series("p99", "#7c3aed", "ms", 1.5, [6, 3]), values: data.p99Ms }
  ], data.bands.latencyMs);
  makeChart("chart-throughput", "requests / s", "req/s", [
    { series: series("throughput", "#0f766e", "req/s", 2), values: data.ratePerSecond }
  ], data.bands.ratePerSecond);
  makeChart("chart-errors", "failed (%)", "%", [
    { series: series("error rate", "#dc2626", "%", 2), values: data.errorPercent }
  ], data.bands.errorPercent);
})();
`;
