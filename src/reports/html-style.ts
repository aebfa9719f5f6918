/** The report page's own styles (uPlot's stylesheet is added before them). */
export const PAGE_STYLE = `
:root { color-scheme: light; --ink: #0f172a; --muted: #475569; --line: #e2e8f0; --panel: #ffffff;
  --pass: #15803d; --fail: #b91c1c; --inconclusive: #a16207; --error: #7e22ce; }
* { box-sizing: border-box; }
body { margin: 0; background: #f1f5f9; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 48px; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 20px; margin-bottom: 8px; }
h1 { font-size: 22px; margin: 0; font-weight: 650; }
h2 { font-size: 16px; margin: 0 0 10px; font-weight: 650; }
.facts { color: var(--muted); margin: 4px 0 18px; display: flex; flex-wrap: wrap; gap: 4px 18px; }
.facts b { color: var(--ink); font-weight: 600; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px;
  padding: 16px 18px; margin: 0 0 18px; overflow-x: auto; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; color: #fff;
  font-weight: 700; letter-spacing: 0.04em; font-size: 12px; }
.badge.big { font-size: 18px; padding: 4px 16px; }
.badge.pass { background: var(--pass); }
.badge.fail { background: var(--fail); }
.badge.inconclusive { background: var(--inconclusive); }
.badge.error { background: var(--error); }
/* Comparison verdicts: a regression reads as a failure, unchanged and improved as a pass. */
.badge.regressed { background: var(--fail); }
.badge.unchanged { background: var(--pass); }
.badge.improved { background: var(--pass); }
h2 .badge { vertical-align: 1px; margin-left: 6px; }
.tiers { font-size: 15px; }
table.data { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
table.data th, table.data td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.data th { font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 600; }
table.data .num { text-align: right; white-space: nowrap; }
table.data td.name { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
  word-break: break-all; }
table.data td.reason { color: var(--muted); min-width: 240px; overflow-wrap: anywhere; }
/* The tier-bounds column may wrap: the reason beside it needs the room more. */
table.data td.bounds { min-width: 8em; }
table.data td.over { color: var(--fail); font-weight: 600; }
table.data td.id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
  overflow-wrap: normal; word-break: normal; }
table.data .nowrap { white-space: nowrap; }
.tag { font-family: system-ui, sans-serif; font-size: 11px; color: var(--muted); border: 1px solid var(--line);
  border-radius: 4px; padding: 0 4px; margin-left: 4px; }
.chart { min-height: 40px; }
.chart-note { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
.key { display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 12px; color: var(--muted); margin: 0 0 8px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 5px;
  vertical-align: -2px; border: 1px solid rgba(15, 23, 42, 0.15); }
.swatch.excellent { background: rgba(22, 163, 74, 0.35); }
.swatch.good { background: rgba(101, 163, 13, 0.28); }
.swatch.target { background: rgba(234, 179, 8, 0.4); }
.swatch.none { background: rgba(220, 38, 38, 0.28); }
.findings { margin: 0; padding-left: 20px; }
.findings .code { font-family: ui-monospace, monospace; font-size: 12px; }
.severity-warning { color: var(--inconclusive); font-weight: 600; }
.empty { color: var(--muted); font-style: italic; }
.uplot { width: 100%; }
.u-legend { font-size: 13px; }
footer { color: var(--muted); font-size: 12px; }
`;
