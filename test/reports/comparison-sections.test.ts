import { describe, expect, it } from "vitest";
import type { ReportInput } from "../../src/core/types.js";
import { formatIntervalHeading } from "../../src/reports/comparison-figures.js";
import { renderHtml } from "../../src/reports/html.js";
import { renderJson } from "../../src/reports/json.js";
import { renderJunit } from "../../src/reports/junit.js";
import { renderMarkdown } from "../../src/reports/markdown.js";
import { renderText } from "../../src/reports/text.js";
import { readUplotAssets } from "../../src/reports/uplot-assets.js";
import {
  buildRegressedInput,
  COMPARISON_FIGURES,
  INCONCLUSIVE_ADVISORY_INPUT,
  REGRESSED_INPUT,
  UNCHANGED_INPUT,
} from "../fixtures/comparison-inputs.js";
import { PASSING_INPUT } from "../fixtures/report-inputs.js";
import { findAll, parseXml, type XmlElement } from "./parse-xml.js";

const uplot = readUplotAssets();
const HOSTILE_PATH = "<img src=x onerror=alert(1)>.json";
const BASELINE_LINE =
  "runs/main/evidence.json · scenario orders · steady window 60 s · 30 slices · 11970 requests · offered 200 /s · commit 0123456789ab · branch main";

describe("Markdown: the comparison table", () => {
  it.each<[string, ReportInput, string, string[]]>([
    [
      "regressed",
      REGRESSED_INPUT,
      "#### Compared with baseline: REGRESSED",
      [
        "| latency\\_p95 | 2.1 ms | 34 ms | +1500 % | [+1400 %, +1600 %] | 10 % | **REGRESSED** | the whole interval is worse than the margin |",
        "| error\\_rate | 0.1 % | 0.12 % | +0.02 pp | [−0.05 pp, +0.09 pp] | 0.1 pp | **UNCHANGED** | the whole interval is within the margin |",
        "| throughput (informational) | 199.5 req/s | n/a | n/a | n/a | 10 % | **INCONCLUSIVE** | the candidate has no offered rate, so its throughput cannot be compared |",
        "- Not compared: db\\_latency\\_p95: read from Prometheus; the evidence holds k6 requests only",
        "- Note: the baseline was offered 200 /s, the candidate 180 /s; latency and errors are compared anyway",
      ],
    ],
    [
      "inconclusive, advisory",
      INCONCLUSIVE_ADVISORY_INPUT,
      "#### Compared with baseline: INCONCLUSIVE (advisory: an inconclusive comparison does not hold the run back)",
      [
        "| latency\\_p95 | 2.1 ms | 2.2 ms | +5.0 % | [−15 %, +30 %] | 10 % | **INCONCLUSIVE** | the interval reaches past the margin on both sides; about 4 times as many slices would decide it |",
      ],
    ],
    [
      "unchanged",
      UNCHANGED_INPUT,
      "#### Compared with baseline: UNCHANGED",
      ["| latency\\_p95 | 2.1 ms | 2.15 ms | +2.0 % | [−3.0 %, +6.0 %] | 10 % | **UNCHANGED** | the whole interval is within the margin |"],
    ],
  ])("%s", (_name, input, heading, rows) => {
    const lines = renderMarkdown(input).split("\n");
    expect(lines).toContain(heading);
    expect(lines).toContain(`Baseline: ${BASELINE_LINE} · from 2025-02-28T08:58:00.000Z`);
    expect(lines).toContain("| objective | baseline | candidate | change | 95 % interval | margin | verdict | reason |");
    for (const row of rows) expect(lines).toContain(row);
    // After the objectives table, before the findings.
    const at = lines.indexOf(heading);
    expect(at).toBeGreaterThan(lines.findIndex((line) => line.startsWith("| Objective |")));
    const findings = lines.indexOf("**Findings**");
    if (findings >= 0) expect(at).toBeLessThan(findings);
  });

  it("leaves a report without a baseline as it was", () => {
    expect(renderMarkdown(PASSING_INPUT)).not.toContain("Compared with baseline");
  });

  it("escapes a hostile baseline path", () => {
    const markdown = renderMarkdown(buildRegressedInput(HOSTILE_PATH));
    expect(markdown).not.toContain("<img");
    expect(markdown).toContain("Baseline: &lt;img src=x onerror=alert(1)&gt;.json · scenario orders");
  });
});

describe("text: the comparison block", () => {
  it("regressed: a verdict line, the baseline, one block per objective", () => {
    const lines = renderText(REGRESSED_INPUT, { color: false }).split("\n");
    const at = lines.indexOf("Compared with baseline: REGRESSED");
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe(`  baseline: ${BASELINE_LINE} · from 2025-02-28T08:58:00.000Z`);
    expect(lines[at + 2]).toBe(
      "  REGRESSED    latency_p95: 2.1 ms → 34 ms, change +1500 %, 95 % interval [+1400 %, +1600 %], margin 10 %",
    );
    expect(lines[at + 3]).toBe("               the whole interval is worse than the margin");
    expect(lines).toContain(
      "  INCONCLUSIVE throughput (informational): 199.5 req/s → n/a, change n/a, 95 % interval n/a, margin 10 %",
    );
    expect(lines).toContain(
      "  NOT COMPARED db_latency_p95: read from Prometheus; the evidence holds k6 requests only",
    );
    expect(lines.indexOf("findings")).toBeGreaterThan(at);
  });

  it("advisory: says an inconclusive comparison does not hold the run back", () => {
    expect(renderText(INCONCLUSIVE_ADVISORY_INPUT, { color: false })).toContain(
      "Compared with baseline: INCONCLUSIVE (advisory: an inconclusive comparison does not hold the run back)",
    );
  });

  it("colors the comparison's verdict, and keeps control characters out", () => {
    const text = renderText(buildRegressedInput("evil\u001b[2J.json"), { color: true });
    expect(text).toContain("\u001b[31mREGRESSED\u001b[39m");
    expect(text).not.toContain("\u001b[2J");
    expect(text).toContain("evil\\u001b[2J.json");
  });
});

describe("JSON: verdict.json's comparison block", () => {
  it("carries the block in a fixed key order, after the other sections", () => {
    const json = JSON.parse(renderJson(REGRESSED_INPUT)) as Record<string, unknown> & {
      comparison: Record<string, unknown> & {
        baseline: Record<string, unknown> & { metadata: Record<string, unknown> };
        objectives: Record<string, unknown>[];
      };
    };
    expect(Object.keys(json).at(-1)).toBe("comparison");
    expect(Object.keys(json.comparison)).toEqual(["verdict", "advisory", "baseline", "objectives", "skipped", "notes"]);
    expect(Object.keys(json.comparison.baseline)).toEqual(["source", "read", "files", "metadata"]);
    expect(Object.keys(json.comparison.objectives[0] ?? {})).toEqual([
      "id", "source", "mandatory", "subject", "baseline", "candidate", "effect", "scale",
      "interval", "confidence", "margin", "verdict", "reason", "method",
    ]);
    expect(Object.keys(json.comparison.objectives[0]?.margin ?? {})).toEqual(["kind", "worse", "ratio"]);
    expect(json.comparison).toEqual(REGRESSED_INPUT.verdict.comparison);
    // The figures are for the HTML report only; they are not part of the verdict.
    expect(json).not.toHaveProperty("comparisonFigures");
  });

  it("redacts credentials and query values in the baseline's paths and URLs", () => {
    const input = buildRegressedInput("https://ci:hunter2@artifacts.example/main/evidence.json?sig=abc&run=7");
    const comparison = input.verdict.comparison!;
    comparison.baseline.metadata.ci = {
      provider: "github",
      commit: "0123",
      branch: "main",
      runUrl: "https://github.com/acme/orders/actions/runs/42?token=secret",
    };
    const text = renderJson(input);
    expect(text).not.toMatch(/hunter2|abc|secret/);
    const json = JSON.parse(text) as { comparison: { baseline: { source: string; files: string[]; metadata: { ci: { runUrl: string } } } } };
    expect(json.comparison.baseline.source).toBe("https://***@artifacts.example/main/evidence.json?sig=***&run=[redacted]");
    expect(json.comparison.baseline.files).toEqual([json.comparison.baseline.source]);
    expect(json.comparison.baseline.metadata.ci.runUrl).toBe("https://github.com/acme/orders/actions/runs/42?token=***");
    // The same redaction in every format.
    for (const rendered of [
      renderMarkdown(input),
      renderText(input, { color: false }),
      renderJunit(input),
      renderHtml(input, { uplot }),
    ]) {
      expect(rendered).not.toMatch(/hunter2|sig=abc|token=secret/);
    }
  });

  it("leaves a verdict without a baseline without the block", () => {
    expect(JSON.parse(renderJson(PASSING_INPUT))).not.toHaveProperty("comparison");
  });
});

function outcomeOf(element: XmlElement): string {
  return element.children.find((child) => ["failure", "error", "skipped"].includes(child.name))?.name ?? "passed";
}

describe("JUnit: one testcase per compared objective", () => {
  it.each<[string, ReportInput, Record<string, string>, { tests: string; failures: string; skipped: string }]>([
    [
      "regressed",
      REGRESSED_INPUT,
      {
        "latency_p95 vs baseline": "failure",
        "error_rate vs baseline": "passed",
        "throughput vs baseline": "skipped",
      },
      // 2 objectives of the tiers (both pass) + 3 compared.
      { tests: "5", failures: "1", skipped: "1" },
    ],
    [
      "inconclusive, advisory",
      INCONCLUSIVE_ADVISORY_INPUT,
      { "latency_p95 vs baseline": "skipped", "error_rate vs baseline": "passed" },
      { tests: "4", failures: "0", skipped: "1" },
    ],
    [
      "unchanged",
      UNCHANGED_INPUT,
      { "latency_p95 vs baseline": "passed", "error_rate vs baseline": "passed" },
      { tests: "4", failures: "0", skipped: "0" },
    ],
  ])("%s", (_name, input, expected, counts) => {
    const root = parseXml(renderJunit(input));
    const suite = findAll(root, "testsuite")[0]!;
    for (const element of [root, suite]) {
      expect(element.attributes.tests).toBe(counts.tests);
      expect(element.attributes.failures).toBe(counts.failures);
      expect(element.attributes.skipped).toBe(counts.skipped);
      expect(element.attributes.errors).toBe("0");
    }
    const compared = findAll(root, "testcase").filter((c) => c.attributes.classname === "slogate.comparison");
    expect(Object.fromEntries(compared.map((c) => [c.attributes.name, outcomeOf(c)]))).toEqual(expected);
    expect(findAll(root, "testcase")).toHaveLength(Number(counts.tests));
  });

  it("says what regressed by how much, and why an objective was inconclusive", () => {
    const root = parseXml(renderJunit(REGRESSED_INPUT));
    const cases = findAll(root, "testcase");
    const latency = cases.find((c) => c.attributes.name === "latency_p95 vs baseline")!;
    const failure = latency.children.find((c) => c.name === "failure")!;
    expect(failure.attributes.type).toBe("regression");
    expect(failure.attributes.message).toBe(
      "latency_p95 REGRESSED: p(95) of http_req_duration: 2.1 ms → 34 ms, change +1500 %, 95 % interval [+1400 %, +1600 %], margin 10 %",
    );
    expect(failure.text).toContain("method: block bootstrap over 30 slices, blocks of 3");
    expect(failure.text).toContain(`baseline: ${BASELINE_LINE}`);
    const throughput = cases.find((c) => c.attributes.name === "throughput vs baseline")!;
    expect(throughput.children.find((c) => c.name === "skipped")?.attributes.message).toBe(
      "inconclusive: the candidate has no offered rate, so its throughput cannot be compared",
    );
    const properties: Record<string, string | undefined> = Object.fromEntries(
      findAll(root, "property").map((p) => [p.attributes.name ?? "", p.attributes.value]),
    );
    expect(properties.comparison).toBe("REGRESSED");
    expect(properties.baseline).toBe(BASELINE_LINE);
    const out = findAll(root, "system-out").at(-1)?.text ?? "";
    expect(out).toContain("not compared with the baseline: db_latency_p95: read from Prometheus");
    expect(out).toContain("comparison note: the baseline was offered 200 /s");
  });

  it("stays well-formed with a hostile baseline path", () => {
    const xml = renderJunit(buildRegressedInput(HOSTILE_PATH));
    expect(xml).not.toContain("<img");
    const root = parseXml(xml);
    const properties = findAll(root, "property").find((p) => p.attributes.name === "baseline");
    expect(properties?.attributes.value?.startsWith(HOSTILE_PATH)).toBe(true);
  });
});

function dataOf(html: string): { comparison: unknown } {
  const match = /<script type="application\/json" id="slogate-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(match?.[1] ?? "null") as { comparison: unknown };
}

describe("HTML: the comparison panel and its charts", () => {
  it("shows the table and both charts' containers, and embeds both runs' series", () => {
    const html = renderHtml(REGRESSED_INPUT, { uplot });
    expect(html).toContain('<span class="badge regressed" id="comparison-verdict">REGRESSED</span>');
    expect(html).toContain(
      '<tr><td class="id">latency_p95</td><td class="num">2.1 ms</td><td class="num">34 ms</td><td class="num">+1500 %</td><td class="num">[+1400 %, +1600 %]</td><td class="num">10 %</td><td><span class="badge regressed">REGRESSED</span></td><td class="reason">the whole interval is worse than the margin</td></tr>',
    );
    expect(html).toContain('<td class="id">throughput <span class="tag">informational</span></td>');
    expect(html).toContain('<div class="chart" id="chart-comparison-spectrum"></div>');
    expect(html).toContain('<div class="chart" id="chart-comparison-timeline"></div>');
    expect(html.indexOf('id="comparison"')).toBeGreaterThan(html.indexOf('id="objectives"'));

    const { comparison } = dataOf(html) as {
      comparison: {
        spectrum: { baseline: [number[], number[]]; candidate: [number[], number[]] };
        timeline: { baseline: [number[], (number | null)[]]; candidate: [number[], (number | null)[]] };
      };
    };
    // x in nines: p0 → 0, p90 → 1, p99 → 2, p99.9 → 3.
    const nines = comparison.spectrum.baseline[0];
    expect(nines[0]).toBe(0);
    expect(nines[COMPARISON_FIGURES.baseline.spectrum.findIndex((p) => p.percent === 90)]).toBeCloseTo(1, 12);
    expect(nines[COMPARISON_FIGURES.baseline.spectrum.findIndex((p) => p.percent === 99)]).toBeCloseTo(2, 12);
    expect(nines.at(-1)).toBeCloseTo(3, 12);
    expect(comparison.spectrum.candidate[1]).toEqual(COMPARISON_FIGURES.candidate.spectrum.map((p) => p.ms));
    expect(comparison.timeline.baseline[0]).toEqual(Array.from({ length: 30 }, (_, i) => i * 2));
    expect(comparison.timeline.candidate[1][12]).toBeNull();
  });

  it("escapes a hostile baseline path and keeps the page's scripts to three", () => {
    const html = renderHtml(buildRegressedInput(HOSTILE_PATH), { uplot });
    expect(html).not.toContain(HOSTILE_PATH);
    expect(html).toContain('<b id="comparison-baseline">&lt;img src=x onerror=alert(1)&gt;.json · scenario orders');
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<img/gi)).toBeNull();
  });

  it("has no comparison panel without a baseline, and says so when neither run has figures", () => {
    const plain = renderHtml(PASSING_INPUT, { uplot });
    expect(plain).not.toContain("Compared with baseline");
    expect(dataOf(plain).comparison).toEqual({ spectrum: null, timeline: null });

    const empty = { spectrum: [], timeline: [] };
    const html = renderHtml(
      { ...UNCHANGED_INPUT, comparisonFigures: { subject: "http_req_duration", baseline: empty, candidate: empty } },
      { uplot },
    );
    expect(html).toContain("Compared with baseline");
    expect(html).not.toContain('id="chart-comparison-spectrum"');
    expect(html.match(/Neither run has latency figures for this chart\./g)).toHaveLength(2);
  });
});

describe("formatIntervalHeading", () => {
  const objective = REGRESSED_INPUT.verdict.comparison!.objectives[0]!;
  it.each<[string, (number | null)[], string]>([
    ["the intervals' level", [0.95, 0.95], "95 % interval"],
    ["another level", [0.9], "90 % interval"],
    ["the default when nothing was estimated", [null], "95 % interval"],
    ["no level when they differ", [0.9, 0.95], "interval"],
  ])("%s", (_name, levels, expected) => {
    expect(formatIntervalHeading(levels.map((confidence) => ({ ...objective, confidence })))).toBe(expected);
  });
});
