/**
 * The capacity page's own script (plain ES2017, run as-is in the browser):
 * reads the curve from the JSON block and draws three uPlot charts with the
 * offered rate on the x axis, points colored by the step's outcome, the
 * latency tier bounds as lines, and the capacity / first failing rate as
 * vertical markers.
 */
export const CAPACITY_CHART_SCRIPT = String.raw`(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("slogate-capacity-data").textContent);
  window.slogateCharts = [];
  if (data.offered.length === 0) return;

  var COLORS = { pass: "#15803d", fail: "#b91c1c", "generator-limited": "#a16207", inconclusive: "#7e22ce" };
  var LABELS = { target: "Target", good: "Good", excellent: "Excellent" };

  function format(value) {
    if (value == null || !isFinite(value)) return "–";
    var magnitude = Math.abs(value);
    var text = magnitude >= 100 ? value.toFixed(0) : magnitude >= 1 ? value.toFixed(1) : value.toPrecision(2);
    return text.indexOf(".") >= 0 && text.indexOf("e") < 0 ? text.replace(/\.?0+$/, "") : text;
  }

  function only(values, outcome) {
    return values.map(function (v, i) { return data.outcome[i] === outcome ? v : null; });
  }

  function line(label, color, unit, width, dash) {
    return { label: label, stroke: color, width: width, dash: dash, spanGaps: true,
      points: { show: false },
      value: function (u, v) { return v == null ? "–" : format(v) + " " + unit; } };
  }

  function dots(label, color, unit) {
    return { label: label, stroke: color, fill: color, width: 0, paths: function () { return null; },
      points: { show: true, size: 9, fill: color, stroke: color },
      value: function (u, v) { return v == null ? "–" : format(v) + " " + unit; } };
  }

  function markers(bands) {
    return {
      hooks: {
        draw: function (u) {
          var ctx = u.ctx, box = u.bbox, ratio = uPlot.pxRatio;
          ctx.save();
          ctx.font = (11 * ratio) + "px system-ui, sans-serif";
          ctx.textBaseline = "top";
          // Capacity labelled left of its line, the first failing rate right of its own.
          [[data.capacity, "#15803d", "capacity ", "right", -4], [data.firstFailing, "#b91c1c", "first failing ", "left", 4]].forEach(function (m) {
            if (m[0] == null || m[0] < u.scales.x.min || m[0] > u.scales.x.max) return;
            var x = Math.round(u.valToPos(m[0], "x", true)) + 0.5;
            ctx.strokeStyle = m[1];
            ctx.lineWidth = 1.5 * ratio;
            ctx.setLineDash([6 * ratio, 4 * ratio]);
            ctx.beginPath(); ctx.moveTo(x, box.top); ctx.lineTo(x, box.top + box.height); ctx.stroke();
            ctx.fillStyle = m[1];
            ctx.textAlign = m[3];
            ctx.fillText(m[2] + format(m[0]), x + m[4] * ratio, box.top + 4 * ratio);
          });
          if (bands) {
            ctx.textBaseline = "bottom";
            ctx.textAlign = "left";
            ["target", "good", "excellent"].forEach(function (tier) {
              var value = bands[tier];
              if (value > u.scales.y.max || value < u.scales.y.min) return;
              var y = Math.round(u.valToPos(value, "y", true)) + 0.5;
              var required = tier === bands.required;
              ctx.strokeStyle = required ? "rgba(30, 41, 59, 0.85)" : "rgba(71, 85, 105, 0.5)";
              ctx.lineWidth = (required ? 1.5 : 1) * ratio;
              ctx.setLineDash(required ? [] : [5 * ratio, 4 * ratio]);
              ctx.beginPath(); ctx.moveTo(box.left, y); ctx.lineTo(box.left + box.width, y); ctx.stroke();
              ctx.fillStyle = "#334155";
              ctx.fillText(LABELS[tier] + " < " + format(value) + " ms" + (required ? " (required)" : ""), box.left + 4 * ratio, y - 2 * ratio);
            });
          }
          ctx.restore();
        }
      }
    };
  }

  var xMax = Math.max.apply(null, data.offered);
  function makeChart(id, axisLabel, unit, lines, yMax, bands) {
    var root = document.getElementById(id);
    if (!root) return;
    var options = {
      width: Math.max(320, root.clientWidth),
      height: 260,
      padding: [12, 16, 0, 0],
      scales: {
        x: { time: false, range: function () { return [0, xMax * 1.08]; } },
        y: { range: function () { return [0, yMax > 0 ? yMax * 1.12 : 1]; } }
      },
      axes: [
        { label: "offered rate (req/s)", labelSize: 20, stroke: "#334155", grid: { stroke: "rgba(15, 23, 42, 0.07)" },
          values: function (u, ticks) { return ticks.map(format); } },
        { label: axisLabel, labelSize: 20, size: 60, stroke: "#334155", grid: { stroke: "rgba(15, 23, 42, 0.07)" },
          values: function (u, ticks) { return ticks.map(format); } }
      ],
      legend: { live: true },
      series: [{ label: "offered", value: function (u, v) { return v == null ? "–" : format(v) + " req/s"; } }]
        .concat(lines.map(function (l) { return l.series; })),
      plugins: [markers(bands)]
    };
    var chart = new uPlot(options, [data.offered].concat(lines.map(function (l) { return l.values; })), root);
    window.slogateCharts.push(chart);
    window.addEventListener("resize", function () {
      chart.setSize({ width: Math.max(320, root.clientWidth), height: 260 });
    });
  }

  function maxOf(lists) {
    var top = 0;
    lists.forEach(function (list) { list.forEach(function (v) { if (v != null && v > top) top = v; }); });
    return top;
  }

  function outcomeSeries(values, unit) {
    return Object.keys(COLORS).filter(function (o) { return data.outcome.indexOf(o) >= 0; }).map(function (o) {
      return { series: dots(o, COLORS[o], unit), values: only(values, o) };
    });
  }

  var bands = data.latencyBands;
  var latencyTop = maxOf([data.p95Ms]);
  if (bands && bands[bands.required] <= latencyTop * 3) latencyTop = Math.max(latencyTop, bands[bands.required]);
  makeChart("chart-latency", "p95 (ms)", "ms",
    [{ series: line("p95", "#ea580c", "ms", 2), values: data.p95Ms }].concat(outcomeSeries(data.p95Ms, "ms")),
    latencyTop, bands);
  makeChart("chart-achieved", "requests / s", "req/s",
    [{ series: line("offered (achieved = offered)", "#94a3b8", "req/s", 1, [4, 4]), values: data.offered },
     { series: line("achieved", "#0f766e", "req/s", 2), values: data.achieved }].concat(outcomeSeries(data.achieved, "req/s")),
    maxOf([data.achieved, data.offered]), null);
  makeChart("chart-errors", "failed (%)", "%",
    [{ series: line("error rate", "#dc2626", "%", 2), values: data.errorPercent }].concat(outcomeSeries(data.errorPercent, "%")),
    Math.max(1, maxOf([data.errorPercent])), null);
})();
`;
