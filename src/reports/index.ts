export { appendGithubStepSummary } from "./github-step-summary.js";
export { escapeHtml, renderHtml, serializeJsonForHtml } from "./html.js";
export type { HtmlReportOptions, UplotAssets } from "./html.js";
export { renderJson } from "./json.js";
export { escapeXml, renderJunit } from "./junit.js";
export { escapeMarkdown, renderMarkdown } from "./markdown.js";
export type { MarkdownReportOptions } from "./markdown.js";
export { renderText } from "./text.js";
export type { TextReportOptions } from "./text.js";
export { readUplotAssets } from "./uplot-assets.js";
export { REPORT_FILE_NAMES, REPORT_FORMATS, renderReport, writeReports } from "./write-reports.js";
export type {
  RenderReportOptions,
  ReportFormat,
  WriteReportsResult,
} from "./write-reports.js";
