import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReportInput } from "../../src/core/types.js";
import { writeReports } from "../../src/reports/write-reports.js";
import { buildRegressedInput, INCONCLUSIVE_ADVISORY_INPUT } from "../fixtures/comparison-inputs.js";
import {
  buildHostileInput,
  EMPTY_INPUT,
  HOSTILE_STRINGS,
  MIXED_INPUT,
  PASSING_INPUT,
} from "../fixtures/report-inputs.js";

// Debian's chromium, provisioned by `slogate setup` for the tests.
const CHROMIUM = process.env.CHROMIUM_BINARY ?? "/usr/bin/chromium";

// One hostile string per user-derived field, so a single page exercises all of them.
function buildAllHostileInput(): ReportInput {
  const base = buildHostileInput(HOSTILE_STRINGS[0]);
  return {
    ...base,
    verdict: {
      ...base.verdict,
      // Keep latency_p95 recognizable so the banded chart is drawn too.
      objectives: base.verdict.objectives.map((objective, index) => ({
        ...objective,
        id: index === 0 ? "latency_p95" : objective.id,
        reason: HOSTILE_STRINGS[index % HOSTILE_STRINGS.length] ?? "",
      })),
    },
    routes: HOSTILE_STRINGS.map((hostile, index) => ({
      ...(MIXED_INPUT.routes[index % MIXED_INPUT.routes.length] ?? MIXED_INPUT.routes[0]!),
      name: hostile,
    })),
  };
}

function withoutFigures(input: ReportInput): ReportInput {
  const rest = { ...input };
  delete rest.comparisonFigures;
  return rest;
}

interface PageWatch {
  dialogs: string[];
  errors: string[];
  requests: string[];
}

async function openReport(
  context: BrowserContext,
  file: string,
  charts = 3,
): Promise<{ page: Page; watch: PageWatch }> {
  const page = await context.newPage();
  const watch: PageWatch = { dialogs: [], errors: [], requests: [] };
  page.on("dialog", (dialog) => {
    watch.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") watch.errors.push(message.text());
  });
  page.on("pageerror", (error) => watch.errors.push(error.message));
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) watch.requests.push(request.url());
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(
    `window.slogateCharts !== undefined && window.slogateCharts.length === ${charts}`, undefined, {
    timeout: 15_000,
  });
  return { page, watch };
}

// Page-side code is plain JavaScript in strings: the project's TypeScript
// settings carry Node's types, not the DOM's.

interface CanvasInk {
  width: number;
  height: number;
  inked: number;
  colors: number;
}

// Size and ink of every chart canvas: non-transparent pixels and distinct colors.
const INSPECT_CANVASES = `[...document.querySelectorAll(".uplot canvas")].map((canvas) => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  const colors = new Set();
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i + 3] > 0) {
      inked += 1;
      colors.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    }
  }
  return { width: canvas.width, height: canvas.height, inked, colors: colors.size };
})`;

async function inspectCanvases(page: Page): Promise<CanvasInk[]> {
  return page.evaluate<CanvasInk[]>(INSPECT_CANVASES);
}

const READ_PAGE_STATE = `({
  pwned: window.__pwned ?? null,
  images: document.images.length,
  scripts: document.scripts.length,
  routes: [...document.querySelectorAll("#routes tbody td.name")].map((cell) => cell.textContent),
  reasons: [...document.querySelectorAll("#objectives td.reason")].map((cell) => cell.textContent),
})`;

// The browser's own XML parser: reports a parsererror element on malformed input.
function parseXmlInPage(xml: string): string {
  return `(() => {
    const doc = new DOMParser().parseFromString(${JSON.stringify(xml)}, "application/xml");
    return {
      error: doc.getElementsByTagName("parsererror")[0]?.textContent ?? null,
      testcases: doc.getElementsByTagName("testcase").length,
      firstFailure: doc.querySelector("testcase failure")?.textContent ?? null,
    };
  })()`;
}

describe("report.html in Chromium", () => {
  let workDir = "";
  let context: BrowserContext;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: run 'slogate setup' (installs Debian's chromium) or set CHROMIUM_BINARY`);
    }
    workDir = await mkdtemp(path.join(os.tmpdir(), "slogate-html-"));
    context = await chromium.launchPersistentContext(path.join(workDir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    // The screenshot stays for a reader; only the browser profile goes.
    if (workDir !== "") await rm(path.join(workDir, "profile"), { recursive: true, force: true });
  });

  it("draws three charts with tier bands and saves a screenshot", async () => {
    const { files } = await writeReports(path.join(workDir, "mixed"), MIXED_INPUT);
    const { page, watch } = await openReport(context, files.html);

    const canvases = await inspectCanvases(page);
    expect(canvases).toHaveLength(3);
    for (const canvas of canvases) {
      expect(canvas.width).toBeGreaterThan(300);
      expect(canvas.height).toBeGreaterThan(150);
      // Lines, grid, bands and labels: thousands of inked pixels in many colors.
      expect(canvas.inked).toBeGreaterThan(5_000);
      expect(canvas.colors).toBeGreaterThan(20);
    }
    const legends = await page.locator(".u-legend").allInnerTexts();
    expect(legends[0]).toMatch(/p50[\s\S]*p95[\s\S]*p99/);
    expect(await page.locator("#verdict").innerText()).toBe("FAIL");
    expect(watch).toEqual({ dialogs: [], errors: [], requests: [] });

    const screenshot = path.join(workDir, "report.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    expect((await readFile(screenshot)).subarray(1, 4).toString()).toBe("PNG");
    const latencyChart = path.join(workDir, "latency-chart.png");
    await page.locator("section", { has: page.locator("#chart-latency") }).screenshot({ path: latencyChart });
    console.log(`report screenshots: ${screenshot} ${latencyChart}`);
    await page.close();
  });

  it("runs no script from hostile data and shows it as text", async () => {
    const input = buildAllHostileInput();
    const { files } = await writeReports(path.join(workDir, "hostile"), input);
    const { page, watch } = await openReport(context, files.html);

    const state = await page.evaluate<{
      pwned: unknown;
      images: number;
      scripts: number;
      routes: string[];
      reasons: string[];
    }>(READ_PAGE_STATE);
    expect(state.pwned).toBeNull();
    expect(state.images).toBe(0);
    expect(state.scripts).toBe(3);
    expect(state.routes).toEqual([...HOSTILE_STRINGS]);
    expect(state.reasons).toEqual(input.verdict.objectives.map((objective) => objective.reason));
    expect((await inspectCanvases(page)).every((canvas) => canvas.inked > 5_000)).toBe(true);
    expect(watch).toEqual({ dialogs: [], errors: [], requests: [] });

    // The JUnit file of the same input, read by the browser's own XML parser.
    const junit = await readFile(files.junit, "utf8");
    const parsed = await page.evaluate<{
      error: string | null;
      testcases: number;
      firstFailure: string | null;
    }>(parseXmlInPage(junit));
    expect(parsed.error).toBeNull();
    expect(parsed.testcases).toBe(input.verdict.objectives.length);
    const screenshot = path.join(workDir, "report-hostile.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`hostile report screenshot: ${screenshot}`);
    expect(parsed.firstFailure).toContain(HOSTILE_STRINGS[0]);
    await page.close();
  });

  it.each<[string, ReportInput, number]>([
    ["an empty timeline", EMPTY_INPUT, 0],
    ["a single bucket", { ...PASSING_INPUT, timeline: PASSING_INPUT.timeline.slice(0, 1) }, 3],
    [
      "a timeline without latencies or requests",
      {
        ...MIXED_INPUT,
        timeline: MIXED_INPUT.timeline.map((point) => ({
          ...point,
          requests: 0,
          failed: 0,
          p50Ms: null,
          p95Ms: null,
          p99Ms: null,
        })),
      },
      3,
    ],
  ])("renders %s without script errors", async (name, input, charts) => {
    const { files } = await writeReports(path.join(workDir, name.replace(/\W+/g, "-")), input);
    const { page, watch } = await openReport(context, files.html, charts);
    expect(watch).toEqual({ dialogs: [], errors: [], requests: [] });
    if (charts === 0) expect(await page.getByText("No timeline data in this window.").count()).toBe(1);
    for (const canvas of await inspectCanvases(page)) expect(canvas.width).toBeGreaterThan(300);
    const screenshot = path.join(workDir, `${name.replace(/\W+/g, "-")}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);
    await page.close();
  });

  it("draws the comparison with a baseline: both runs' spectra and timelines", async () => {
    const input = buildRegressedInput();
    const { files } = await writeReports(path.join(workDir, "comparison"), input);
    // Three timeline charts and two comparison charts.
    const { page, watch } = await openReport(context, files.html, 5);
    const canvases = await inspectCanvases(page);
    expect(canvases).toHaveLength(5);
    for (const canvas of canvases) {
      expect(canvas.width).toBeGreaterThan(300);
      expect(canvas.inked).toBeGreaterThan(5_000);
    }
    for (const id of ["chart-comparison-spectrum", "chart-comparison-timeline"]) {
      expect(await page.locator(`#${id} canvas`).count()).toBe(1);
      const legend = await page.locator(`#${id} .u-legend`).innerText();
      expect(legend).toMatch(/baseline[\s\S]*this run/);
    }
    // The spectrum's x axis is in nines: its right end is the fixture's last
    // percentile, p99.9, where this run is 16× the baseline (2.998 → 47.97 ms).
    const over = page.locator("#chart-comparison-spectrum .u-over");
    const box = await over.boundingBox();
    expect(box).not.toBeNull();
    // hover() scrolls the chart into view first; the cursor snaps to the nearest point.
    await over.hover({ position: { x: (box?.width ?? 2) - 2, y: (box?.height ?? 0) / 2 } });
    const legend = await page.locator("#chart-comparison-spectrum .u-legend").innerText();
    expect(legend).toMatch(/percentile\s*p99\.9(?![\d.])/);
    expect(legend).toMatch(/baseline\s*3 ms[\s\S]*this run\s*48 ms/);
    expect(await page.locator("#comparison-verdict").innerText()).toBe("REGRESSED");
    expect(watch).toEqual({ dialogs: [], errors: [], requests: [] });
    const screenshot = path.join(workDir, "comparison.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`comparison screenshot: ${screenshot}`);
    await page.close();
  });

  it.each<[string, ReportInput, number]>([
    ["a hostile baseline path", buildRegressedInput(HOSTILE_STRINGS[1]), 5],
    [
      "a comparison without figures",
      withoutFigures(INCONCLUSIVE_ADVISORY_INPUT),
      3,
    ],
    [
      "a comparison whose runs have one slice each",
      {
        ...INCONCLUSIVE_ADVISORY_INPUT,
        comparisonFigures: {
          subject: "http_req_duration of expected responses",
          baseline: { spectrum: [{ percent: 0, ms: 0 }], timeline: [{ offsetSeconds: 0, p50Ms: 0, p95Ms: 0, requestsPerSecond: 1, failureRatio: 0 }] },
          candidate: { spectrum: [], timeline: [] },
        },
      },
      5,
    ],
  ])("renders %s without script errors", async (name, input, charts) => {
    const { files } = await writeReports(path.join(workDir, name.replace(/\W+/g, "-")), input);
    const { page, watch } = await openReport(context, files.html, charts);
    expect(watch).toEqual({ dialogs: [], errors: [], requests: [] });
    const state = await page.evaluate<{ pwned: unknown; images: number; scripts: number }>(READ_PAGE_STATE);
    expect(state).toMatchObject({ pwned: null, images: 0, scripts: 3 });
    expect(await page.locator("#comparison-baseline").innerText()).toContain(
      input.verdict.comparison?.baseline.source ?? "",
    );
    await page.close();
  });
});
