import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { CapacityResult, CapacityStep } from "../../src/core/capacity/result.js";
import { DEFAULT_STEP_CRITERIA } from "../../src/core/capacity/step.js";
import { renderCapacityHtml } from "../../src/reports/capacity-html.js";
import { renderCapacityMarkdown, renderCapacityText } from "../../src/reports/capacity-text.js";
import { renderCapacityJson } from "../../src/reports/capacity-write.js";
import { readUplotAssets } from "../../src/reports/uplot-assets.js";

const CHROMIUM = process.env.CHROMIUM_BINARY ?? "/usr/bin/chromium";
const HOSTILE = `</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> | pipe`;

function step(index: number, rate: number, outcome: CapacityStep["outcome"], achieved: number, p95: number): CapacityStep {
  return {
    index,
    ratePerSecond: rate,
    reason: index === 1 ? "start" : "grow",
    repeated: false,
    outcome,
    limitedBy: outcome === "fail" ? "service" : outcome === "generator-limited" ? "generator" : null,
    reasons: outcome === "pass" ? [] : [`${HOSTILE} reason ${index}`],
    achievedRatePerSecond: achieved,
    completedRatio: achieved / rate,
    requests: rate * 3,
    failedRequests: 0,
    errorRate: 0,
    p50Ms: p95 / 2,
    p95Ms: p95,
    p99Ms: p95 * 1.2,
    completedIterations: Math.round(achieved * 3),
    droppedIterations: 0,
    meanIterationMs: p95 / 2,
    vuDemand: (rate * p95) / 2000,
    preAllocatedVUs: rate,
    maxVUs: rate,
    k6CpuCores: 0.3,
    hostBusyRatio: 0.5,
    hostCores: 2,
    objectives: [],
    warmUpSeconds: 1,
    steadySeconds: 3,
    startedAt: "2026-01-01T00:00:00.000Z",
    wallSeconds: 6,
    k6ExitCode: 0,
    dir: `steps/0${index}-${rate}rps`,
  };
}

const RESULT: CapacityResult = {
  schemaVersion: 1,
  kind: "found",
  capacityRatePerSecond: 210,
  firstFailingRatePerSecond: 220,
  generatorLimitRatePerSecond: null,
  atLeast: false,
  bracketRatio: 10 / 210,
  throughputTier: "none",
  statement: "capacity 210 req/s (first failing 220 req/s)",
  target: `http://127.0.0.1:1/${HOSTILE}`,
  profile: "products-api",
  scenario: "capacity",
  requiredTier: "target",
  latencyBoundMs: 500,
  latencyBounds: { direction: "max", target: 500, good: 200, excellent: 100 },
  throughputBounds: { direction: "min", target: 1000, good: 5000, excellent: 10000 },
  stoppedBy: "precision",
  settings: {
    startRatePerSecond: 110,
    minRatePerSecond: 110,
    maxRatePerSecond: 10_000,
    growthFactor: 2,
    precisionRatio: 0.05,
    maxSteps: 20,
    warmUpSeconds: 1,
    steadySeconds: 3,
    budgetSeconds: 120,
    criteria: DEFAULT_STEP_CRITERIA,
  },
  steps: [
    step(1, 110, "pass", 110.3, 29),
    step(2, 220, "fail", 200.1, 480),
    step(3, 200, "pass", 199.9, 90),
    step(4, 210, "pass", 199.8, 260),
  ],
  highestAchievedRatePerSecond: 200.1,
  findings: [{ severity: "warning", code: "CAPACITY_HOST_SATURATED", message: HOSTILE }],
  k6: { version: "v2.2.0" },
  startedAt: "2026-01-01T00:00:00.000Z",
  endedAt: "2026-01-01T00:00:30.000Z",
  wallSeconds: 30,
  runId: "20260101-000000-capacity-abcd",
};

describe("capacity text, Markdown and JSON", () => {
  it("puts the statement, the throughput tier and one row per step in the text", () => {
    const text = renderCapacityText(RESULT);
    expect(text.split("\n")[0]).toBe(
      "slogate capacity: capacity 210 req/s (first failing 220 req/s) · throughput tier below Target",
    );
    const rows = text.split("\n").filter((line) => /^\d+\s{2}/.test(line));
    expect(rows.map((row) => row.split(/\s{2,}/)[1])).toEqual(["110", "220", "200", "210"]);
    expect(text).toContain("fail (service)");
  });

  it("escapes pipes in Markdown cells so the table keeps its columns", () => {
    const markdown = renderCapacityMarkdown(RESULT);
    const rows = markdown.split("\n").filter((line) => line.startsWith("| 2 |"));
    expect(rows).toHaveLength(1);
    const cells = (rows[0] ?? "").split(/(?<!\\)\|/).slice(1, -1);
    expect(cells).toHaveLength(9);
    expect(markdown).toContain("\\| pipe");
  });

  it("lists the server side per step with --prometheus, and a pass the server did not confirm says so in its why", () => {
    const note = "server db_latency_p95 not confirmed by Prometheus (inconclusive): no samples";
    const withServer: CapacityResult = {
      ...RESULT,
      steps: [
        {
          ...step(1, 110, "pass", 110.3, 29),
          server: {
            requests: 331,
            requestsPerSecond: 110.2,
            p95Ms: 23.5,
            errorRatio: 0,
            dbP95Ms: 61.25,
            objectives: [],
            notes: [note],
            queryMs: 1200,
          },
        },
        { ...step(2, 220, "fail", 200.1, 480), server: null },
      ],
    };
    const lines = renderCapacityText(withServer).split("\n");
    const header = lines.indexOf("server side (Prometheus):");
    expect(header).toBeGreaterThan(0);
    // One line per step Prometheus was read for; the step without figures has none.
    expect(lines.slice(header + 1, header + 3)).toEqual([
      "#1 110 req/s: p95 23.5 ms · errors 0% · 110.2 req/s · db p95 61.25 ms",
      "",
    ]);
    const row = lines.find((line) => line.startsWith("1  "));
    expect(row?.endsWith(note)).toBe(true);
    // Without --prometheus the section is absent.
    expect(renderCapacityText(RESULT)).not.toContain("server side");
  });

  it("round-trips through JSON", () => {
    expect(JSON.parse(renderCapacityJson(RESULT))).toEqual(RESULT);
  });
});

describe("capacity report.html", () => {
  it("escapes every user-derived string and draws three charts in Chromium without fetching anything", async () => {
    const html = renderCapacityHtml(RESULT, readUplotAssets());
    // Only the page's three own script elements; the hostile text is inert.
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;/script&gt;");

    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: run 'slogate setup' (installs Debian's chromium) or set CHROMIUM_BINARY`);
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), "slogate-capacity-html-"));
    const file = path.join(dir, "report.html");
    writeFileSync(file, html);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error" || message.type() === "warning") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("request", (request) => {
        if (!request.url().startsWith("file:")) requests.push(request.url());
      });
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction("window.slogateCharts !== undefined && window.slogateCharts.length === 3", undefined, {
        timeout: 15_000,
      });
      const state = await page.evaluate<{ pwned: unknown; rows: number; canvases: number; badge: string | null }>(`({
        pwned: window.__pwned ?? null,
        rows: document.querySelectorAll("#curve tbody tr").length,
        canvases: document.querySelectorAll(".uplot canvas").length,
        badge: document.getElementById("capacity")?.textContent ?? null,
      })`);
      expect(state.pwned).toBeNull();
      expect(state.rows).toBe(4);
      expect(state.canvases).toBe(3);
      expect(state.badge).toBe("capacity 210 req/s (first failing 220 req/s) · throughput tier below Target");
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
