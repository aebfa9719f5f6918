import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ReportInput } from "../../src/core/types.js";
import { renderHtml, serializeJsonForHtml } from "../../src/reports/html.js";
import { readUplotAssets } from "../../src/reports/uplot-assets.js";
import {
  buildHostileInput,
  EMPTY_INPUT,
  HOSTILE_STRINGS,
  MIXED_INPUT,
  PASSING_INPUT,
} from "../fixtures/report-inputs.js";

const uplot = readUplotAssets();

// Tags the page itself uses; anything else came from data.
const PAGE_TAGS = new Set([
  "html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "span", "b",
  "div", "section", "p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "i", "footer",
  "script",
]);

function inlineBlocks(html: string, tag: "script" | "style"): { attributes: string; body: string }[] {
  const pattern = new RegExp(`<${tag}([^>]*)>([\\s\\S]*?)</${tag}>`, "g");
  return [...html.matchAll(pattern)].map((match) => ({ attributes: match[1] ?? "", body: match[2] ?? "" }));
}

// Markup outside the inline script and style blocks.
function markupOf(html: string): string {
  return html.replace(/<(script|style)([^>]*)>[\s\S]*?<\/\1>/g, "<$1$2></$1>");
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("base64");
}

function dataOf(html: string): unknown {
  const block = inlineBlocks(html, "script").find((b) => b.attributes.includes('id="slogate-data"'));
  return JSON.parse(block?.body ?? "null");
}

describe("renderHtml", () => {
  it.each<[string, ReportInput]>([
    ["mixed", MIXED_INPUT],
    ["passing", PASSING_INPUT],
    ["empty", EMPTY_INPUT],
  ])("%s: self-contained, with a CSP that names exactly the page's scripts", (_name, input) => {
    const html = renderHtml(input, { uplot });
    const markup = markupOf(html);
    expect(markup).not.toMatch(/\s(src|href|action|srcset)=/i);
    expect(markup).not.toMatch(/<(link|img|iframe|object|embed|base|form)\b/i);

    const csp = (/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? "")
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    const executable = inlineBlocks(html, "script").filter((b) => b.attributes === "");
    expect(executable).toHaveLength(2);
    const scriptSrc = /script-src ([^;]+)/.exec(csp)?.[1]?.split(" ") ?? [];
    expect(scriptSrc.sort()).toEqual(executable.map((b) => `'sha256-${sha256(b.body)}'`).sort());
    const styles = inlineBlocks(html, "style");
    expect(styles).toHaveLength(1);
    expect(csp).toContain(`style-src 'sha256-${sha256(styles[0]?.body ?? "")}'`);
  });

  it("embeds the timeline and the tier bands as data", () => {
    const data = dataOf(renderHtml(MIXED_INPUT, { uplot })) as Record<string, unknown>;
    expect((data.seconds as number[])[0]).toBe(Date.parse("2025-03-01T12:00:00.000Z") / 1000);
    expect(data.endSeconds).toBe(Date.parse("2025-03-01T12:01:00.000Z") / 1000);
    expect(data.p95Ms).toEqual(MIXED_INPUT.timeline.map((p) => p.p95Ms));
    const bucket = MIXED_INPUT.timeline[9];
    expect((data.errorPercent as number[])[9]).toBeCloseTo((3 / (bucket?.requests ?? 1)) * 100, 10);
    expect((data.errorPercent as (number | null)[])[7]).toBeNull();
    expect((data.ratePerSecond as number[])[0]).toBe((MIXED_INPUT.timeline[0]?.requests ?? 0) / 5);
    expect(data.bands).toEqual({
      latencyMs: { direction: "max", target: 500, good: 200, excellent: 100, required: "good" },
      ratePerSecond: { direction: "min", target: 100, good: 150, excellent: 300, required: "good" },
      errorPercent: { direction: "max", target: 1, good: 0.1, excellent: 0.01, required: "good" },
    });
  });

  it("shows verdicts, tiers and route rows, flagging p95 over the required bound", () => {
    const html = renderHtml(MIXED_INPUT, { uplot });
    expect(html).toContain('<span class="badge big fail" id="verdict">FAIL</span>');
    expect(html).toContain("required <b>Good</b> · achieved <b>Target</b>");
    expect(html).toContain('<span class="badge inconclusive">INCONCLUSIVE</span>');
    expect(html).toContain('<td class="id">memory <span class="tag">advisory</span></td>');
    // All three routes have p95 above 200 ms (the Good bound).
    expect(html.match(/<td class="num over">/g)).toHaveLength(3);
    expect(renderHtml(PASSING_INPUT, { uplot })).not.toContain('class="num over"');
  });

  it.each(HOSTILE_STRINGS.map((hostile) => [JSON.stringify(hostile), hostile]))(
    "hostile %s appears only escaped",
    (_name, hostile) => {
      const html = renderHtml(buildHostileInput(hostile), { uplot });
      const markup = markupOf(html);
      const tags = [...markup.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)];
      expect(tags.map((m) => m[1]?.toLowerCase() ?? "").filter((tag) => !PAGE_TAGS.has(tag))).toEqual([]);
      expect(tags.filter((m) => /\son\w+\s*=/i.test(m[2] ?? ""))).toEqual([]);
      expect(html.match(/<script/g)).toHaveLength(3);
      expect(html.match(/<\/script>/g)).toHaveLength(3);
      expect(markup).not.toMatch(/<!--/);
      if (/[<>&"]/.test(hostile)) expect(html).not.toContain(hostile);
    },
  );

  it.each([
    ["script end", { a: "</script><script>alert(1)</script>" }],
    ["comment open", { a: "<!--", b: "-->" }],
    ["ampersand", { a: "&lt;" }],
    ["line separators", { a: "\u2028\u2029" }],
    ["nested", [{ x: ["<b>", null, 1.5] }]],
  ])("serializeJsonForHtml: %s", (_name, value) => {
    const json = serializeJsonForHtml(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it("refuses uPlot assets that would close their element", () => {
    expect(() => renderHtml(MIXED_INPUT, { uplot: { script: "x='</script>'", css: "" } })).toThrow(
      /uPlot script/,
    );
  });
});
