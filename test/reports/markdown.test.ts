import { describe, expect, it } from "vitest";
import type { ReportInput } from "../../src/core/types.js";
import { escapeMarkdown, renderMarkdown } from "../../src/reports/markdown.js";
import {
  buildHostileInput,
  EMPTY_INPUT,
  HOSTILE_STRINGS,
  MIXED_INPUT,
  PASSING_INPUT,
} from "../fixtures/report-inputs.js";

// Cells of one table row: split on pipes that aren't backslash-escaped.
function splitCells(row: string): string[] {
  expect(row.startsWith("| ") && row.endsWith(" |"), row).toBe(true);
  return row.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim());
}

function tableRows(markdown: string, heading: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`| ${heading} |`));
  expect(start, `table starting with ${heading}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (let index = start; index < lines.length && lines[index]?.startsWith("|"); index += 1) {
    rows.push(splitCells(lines[index] ?? ""));
  }
  return rows;
}

describe("renderMarkdown", () => {
  it.each<[string, ReportInput, string, number]>([
    ["mixed", MIXED_INPUT, "### slogate: FAIL (required good, achieved target)", 6],
    ["passing", PASSING_INPUT, "### slogate: PASS (required good, achieved excellent)", 2],
  ])("%s: status line and an 8-column objectives table", (_name, input, title, objectives) => {
    const markdown = renderMarkdown(input);
    expect(markdown.split("\n")[0]).toBe(title);
    const rows = tableRows(markdown, "Objective");
    expect(rows).toHaveLength(objectives + 2);
    for (const row of rows) expect(row).toHaveLength(8);
    expect(rows[1]?.every((cell) => /^-+:?$/.test(cell.replace(/ /g, "")))).toBe(true);
  });

  it("puts value, required bound, tier and verdict in each row", () => {
    const rows = tableRows(renderMarkdown(MIXED_INPUT), "Objective");
    expect(rows[2]).toEqual([
      "latency\\_p95", "k6", "263.2 ms", "&lt; 200 ms", "12034", "target", "**FAIL**",
      "p95 263.2 ms is above the Good bound 200 ms",
    ]);
    expect(rows[5]?.slice(0, 7)).toEqual([
      "db\\_latency\\_p95", "prometheus", "n/a", "&lt; 50 ms", "0", "n/a", "**INCONCLUSIVE**",
    ]);
    expect(rows[6]?.[6]).toBe("**ERROR**");
    expect(rows[7]?.[0]).toBe("memory (advisory)");
  });

  it("lists findings, window and the routes table", () => {
    const markdown = renderMarkdown(MIXED_INPUT);
    expect(markdown).toContain("- warning LOW\\_SAMPLES: db\\_latency\\_p95 had 0 samples; needs 100");
    expect(markdown).toContain("steady window 2025-03-01T12:00:00.000Z → 2025-03-01T12:01:00.000Z (60 s)");
    const routes = tableRows(markdown, "Route");
    expect(routes).toHaveLength(2 + MIXED_INPUT.routes.length);
    expect(routes[3]).toEqual(["/api/v1/users/:id", "GET", "4000", "1", "66.7", "41 ms", "270.1 ms", "430 ms"]);
  });

  it("caps the routes table", () => {
    const markdown = renderMarkdown(MIXED_INPUT, { maxRoutes: 1 });
    expect(tableRows(markdown, "Route")).toHaveLength(3);
    expect(markdown).toContain("_2 more routes not shown; see report.html._");
  });

  it("says when nothing was evaluated", () => {
    const markdown = renderMarkdown(EMPTY_INPUT);
    expect(markdown).toContain("_No objectives were evaluated._");
    expect(markdown).not.toContain("| Route |");
  });

  it.each(HOSTILE_STRINGS.map((hostile) => [JSON.stringify(hostile), hostile]))(
    "hostile %s stays inert text",
    (_name, hostile) => {
      const markdown = renderMarkdown(buildHostileInput(hostile));
      // Table shape survives: every row still has 8 (objectives) or 8 (routes) cells.
      for (const row of tableRows(markdown, "Objective")) expect(row).toHaveLength(8);
      for (const row of tableRows(markdown, "Route")) expect(row).toHaveLength(8);
      // No raw HTML besides the <details> wrapper, no mentions, no control characters.
      const withoutWrapper = markdown.replace(/<\/?details>|<\/?summary>/g, "");
      expect(withoutWrapper).not.toMatch(/[<>]/);
      expect(markdown).not.toMatch(/@everyone/);
      // eslint-disable-next-line no-control-regex -- asserting no control characters got through
      expect(markdown).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u2028\u2029]/);
      expect(markdown).not.toMatch(/(?<!\\)[`$~[\]]/);
    },
  );

  it.each([
    ["pipe", "a|b", "a\\|b"],
    ["emphasis", "*x* _y_", "\\*x\\* \\_y\\_"],
    ["link", "[t](u)", "\\[t\\](u)"],
    ["html", "<b>&</b>", "&lt;b&gt;&amp;&lt;/b&gt;"],
    ["math and strike", "$x$ ~~s~~", "\\$x\\$ \\~\\~s\\~\\~"],
    ["mention", "@team", "@&#8203;team"],
    ["line break", "a\r\nb", "a b"],
    ["backslash", "a\\|", "a\\\\\\|"],
    ["plain route", "/api/v1/users/:id", "/api/v1/users/:id"],
  ])("escapeMarkdown: %s", (_name, input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });
});
