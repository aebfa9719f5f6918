import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendGithubStepSummary } from "../../src/reports/github-step-summary.js";
import { renderReport, writeReports, type ReportFormat } from "../../src/reports/write-reports.js";
import { MIXED_INPUT } from "../fixtures/report-inputs.js";

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "slogate-reports-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("writeReports", () => {
  it("writes the five files, each equal to its renderer's output and free of ANSI codes", async () => {
    const target = path.join(dir, "nested", "out");
    const { files } = await writeReports(target, MIXED_INPUT);
    const expectedNames: Record<ReportFormat, string> = {
      json: "verdict.json",
      markdown: "verdict.md",
      junit: "junit.xml",
      html: "report.html",
      text: "verdict.txt",
    };
    for (const [format, name] of Object.entries(expectedNames) as [ReportFormat, string][]) {
      expect(files[format]).toBe(path.join(target, name));
      const content = await readFile(files[format], "utf8");
      expect(content).toBe(renderReport(format, MIXED_INPUT));
      expect(content).not.toContain("\u001b[");
    }
    expect(JSON.parse(await readFile(files.json, "utf8"))).toEqual(MIXED_INPUT.verdict);
  });

  it("renders text with color only on request", () => {
    expect(renderReport("text", MIXED_INPUT, { color: true })).toContain("\u001b[31mFAIL");
    expect(renderReport("text", MIXED_INPUT)).not.toContain("\u001b[");
  });
});

describe("appendGithubStepSummary", () => {
  it("appends to the file GITHUB_STEP_SUMMARY names, keeping what was there", async () => {
    const summary = path.join(dir, "summary.md");
    await writeFile(summary, "# earlier step\n");
    const markdown = renderReport("markdown", MIXED_INPUT);
    expect(await appendGithubStepSummary(markdown, { GITHUB_STEP_SUMMARY: summary })).toBe(summary);
    expect(await readFile(summary, "utf8")).toBe(`# earlier step\n${markdown}\n`);
  });

  it.each([
    ["unset", {}],
    ["empty", { GITHUB_STEP_SUMMARY: "" }],
  ])("does nothing when the variable is %s", async (_name, env) => {
    expect(await appendGithubStepSummary("x", env)).toBeNull();
  });
});
