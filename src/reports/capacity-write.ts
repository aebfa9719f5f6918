import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { CapacityResult } from "../core/capacity/result.js";
import { renderCapacityHtml } from "./capacity-html.js";
import { renderCapacityMarkdown, renderCapacityText } from "./capacity-text.js";
import type { UplotAssets } from "./html.js";
import { redactReportStrings, type ReportRedaction } from "../redact.js";
import { readUplotAssets } from "./uplot-assets.js";

/** File name of each capacity report format inside the run directory. */
export const CAPACITY_FILE_NAMES = {
  json: "capacity.json",
  markdown: "capacity.md",
  text: "capacity.txt",
  html: "report.html",
} as const;

export type CapacityReportFormat = keyof typeof CAPACITY_FILE_NAMES;

/**
 * The capacity result as versioned JSON (what capacity.json holds). Like
 * every capacity format, its text is redacted: credentials, and query values
 * not in `redaction.showQueryValues`.
 */
export function renderCapacityJson(result: CapacityResult, redaction: ReportRedaction = {}): string {
  return `${JSON.stringify(redactReportStrings(result, redaction), null, 2)}\n`;
}

/** One format as a string. */
export function renderCapacityReport(
  format: CapacityReportFormat,
  result: CapacityResult,
  uplot?: UplotAssets,
  redaction: ReportRedaction = {},
): string {
  switch (format) {
    case "json":
      return renderCapacityJson(result, redaction);
    case "markdown":
      return renderCapacityMarkdown(result, redaction);
    case "text":
      return renderCapacityText(result, redaction);
    case "html":
      return renderCapacityHtml(result, uplot ?? readUplotAssets(), redaction);
  }
}

/** Writes every format into `dir`, each under a temporary name then renamed. */
export async function writeCapacityReports(
  dir: string,
  result: CapacityResult,
  uplot?: UplotAssets,
  redaction: ReportRedaction = {},
): Promise<{ files: Record<CapacityReportFormat, string> }> {
  const root = path.resolve(dir);
  await mkdir(root, { recursive: true });
  const files = {} as Record<CapacityReportFormat, string>;
  for (const format of Object.keys(CAPACITY_FILE_NAMES) as CapacityReportFormat[]) {
    const filePath = path.join(root, CAPACITY_FILE_NAMES[format]);
    const partial = `${filePath}.${process.pid}.partial`;
    await writeFile(partial, renderCapacityReport(format, result, uplot, redaction), "utf8");
    await rename(partial, filePath);
    files[format] = filePath;
  }
  return { files };
}
