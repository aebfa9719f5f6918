import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ReportInput } from "../core/types.js";
import { renderHtml, type UplotAssets } from "./html.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderText } from "./text.js";
import { readUplotAssets } from "./uplot-assets.js";

/** The report formats slogate renders. */
export const REPORT_FORMATS = ["text", "json", "markdown", "junit", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** File name of each format inside a report directory. */
export const REPORT_FILE_NAMES: Record<ReportFormat, string> = {
  json: "verdict.json",
  markdown: "verdict.md",
  junit: "junit.xml",
  html: "report.html",
  text: "verdict.txt",
};

export interface RenderReportOptions {
  /** ANSI colors in the text format; files never get them. */
  color?: boolean;
  /** uPlot for the HTML format; read from the installed package when absent. */
  uplot?: UplotAssets;
  /** Route rows in the Markdown format before the rest are summarized. */
  maxRoutes?: number;
}

export interface WriteReportsResult {
  /** Absolute path of each file written. */
  files: Record<ReportFormat, string>;
}

/** Renders one format. Redaction happens inside every renderer. */
export function renderReport(
  format: ReportFormat,
  input: ReportInput,
  options: RenderReportOptions = {},
): string {
  switch (format) {
    case "text":
      return renderText(input, { color: options.color ?? false });
    case "json":
      return renderJson(input);
    case "markdown":
      return renderMarkdown(input, options.maxRoutes === undefined ? {} : { maxRoutes: options.maxRoutes });
    case "junit":
      return renderJunit(input);
    case "html":
      return renderHtml(input, { uplot: options.uplot ?? readUplotAssets() });
  }
}

/**
 * Writes every format into `dir` (created if needed): verdict.json,
 * verdict.md, junit.xml, report.html and verdict.txt. Each file is written
 * under a temporary name and renamed, so a reader never sees half a report.
 */
export async function writeReports(
  dir: string,
  input: ReportInput,
  options: Omit<RenderReportOptions, "color"> = {},
): Promise<WriteReportsResult> {
  const root = path.resolve(dir);
  await mkdir(root, { recursive: true });
  const files = {} as Record<ReportFormat, string>;
  for (const format of REPORT_FORMATS) {
    const filePath = path.join(root, REPORT_FILE_NAMES[format]);
    const content = renderReport(format, input, { ...options, color: false });
    const partial = `${filePath}.${process.pid}.partial`;
    await writeFile(partial, content, "utf8");
    await rename(partial, filePath);
    files[format] = filePath;
  }
  return { files };
}
