import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  compareRuns,
  type ComparisonMargins,
  type ComparisonReport,
} from "../core/compare-runs.js";
import { loadProfile } from "../sources/load-profile.js";
import { ensureSameProfile, readSide } from "./compare-side.js";

export interface CompareOptions {
  /** An evidence file, a run directory (reports/<id>/), or k6 NDJSON files (several merge). */
  baseline: string | readonly string[];
  candidate: string | readonly string[];
  /** Profile name or path; absent: ./slo.yaml, else the generic profile (see loadProfile). */
  profile?: string;
  margins?: Partial<ComparisonMargins>;
  seed?: number;
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
  thresholdsDir?: string;
}

/**
 * Compares a candidate run with a baseline run, objective by objective of the
 * profile. Bad input (missing, empty, truncated, other-version files; runs
 * judged by different profiles) is an InputError, never a silent result.
 */
export async function compare(options: CompareOptions): Promise<ComparisonReport> {
  const loaded = loadProfile(
    options.profile,
    options.thresholdsDir ? { thresholdsDir: options.thresholdsDir } : {},
  );
  const { profile } = loaded;
  const baseline = await readSide("baseline", options.baseline, profile, options);
  const candidate = await readSide("candidate", options.candidate, profile, options);
  ensureSameProfile(baseline, candidate.evidence, profile.name);
  const comparison = compareRuns({
    baseline: baseline.evidence,
    candidate: candidate.evidence,
    profile,
    ...(options.margins ? { margins: options.margins } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const baseName = baseline.evidence.profile.name;
  if (baseName !== profile.name) {
    comparison.notes.push(
      `both runs were judged with profile "${baseName}"; compared by the objectives of "${profile.name}"`,
    );
  }
  return {
    profile: { name: profile.name, file: loaded.file },
    baseline: baseline.run,
    candidate: candidate.run,
    comparison,
  };
}

/** The comparison's files: comparison.json, comparison.md and comparison.txt in `dir`. */
export async function writeComparisonReports(
  dir: string,
  report: ComparisonReport,
): Promise<string[]> {
  const { renderComparisonJson } = await import("../reports/comparison-json.js");
  const { renderComparisonMarkdown } = await import("../reports/comparison-markdown.js");
  const { renderComparisonText } = await import("../reports/comparison-text.js");
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ["comparison.json", renderComparisonJson(report)],
    ["comparison.md", renderComparisonMarkdown(report)],
    ["comparison.txt", renderComparisonText(report)],
  ];
  for (const [name, text] of files) await writeFile(path.join(dir, name), text, "utf8");
  return files.map(([name]) => path.join(dir, name));
}
