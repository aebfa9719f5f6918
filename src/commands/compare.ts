import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdir, open, writeFile } from "node:fs/promises";
import path from "node:path";
import { constants, gunzipSync } from "node:zlib";
import {
  compareRuns,
  describeEvidence,
  type ComparedRun,
  type ComparisonMargins,
  type ComparisonReport,
} from "../core/compare-runs.js";
import type { EvidenceFileV1 } from "../core/evidence-file.js";
import type { SloProfile } from "../core/profile.js";
import { InputError } from "../errors.js";
import {
  buildEvidenceFromK6,
  looksLikeEvidence,
  readEvidenceFile,
} from "../sources/evidence-file.js";
import { loadProfile } from "../sources/load-profile.js";

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

/** The file names a run directory holds, in the order they are looked for. */
export const RUN_DIR_EVIDENCE = ["evidence.json", "evidence.json.gz"] as const;
export const RUN_DIR_K6 = ["k6.ndjson", "k6.ndjson.gz"] as const;

async function readHead(file: string): Promise<string> {
  const handle = await open(file, "r");
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    let head = buffer.subarray(0, bytesRead);
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      try {
        head = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
      } catch {
        // Corrupt gzip: the reader that follows names the problem.
      }
    }
    return head.toString("utf8").replace(/^\uFEFF/, "");
  } finally {
    await handle.close();
  }
}

/** What a run directory's run.json says about the run, when it is there. */
function readRunInfo(dir: string): { scenario: string | null; k6Version: string | null } {
  try {
    const info = JSON.parse(readFileSync(path.join(dir, "run.json"), "utf8")) as {
      scenario?: unknown;
      k6?: { version?: unknown };
    };
    return {
      scenario: typeof info.scenario === "string" ? info.scenario : null,
      k6Version: typeof info.k6?.version === "string" ? info.k6.version : null,
    };
  } catch {
    return { scenario: null, k6Version: null };
  }
}

async function readSide(
  which: "baseline" | "candidate",
  given: string | readonly string[],
  profile: SloProfile,
  options: CompareOptions,
): Promise<{ run: ComparedRun; evidence: EvidenceFileV1 }> {
  const paths = typeof given === "string" ? [given] : [...given];
  const source = paths.join(" ");
  if (paths.length === 0) {
    throw new InputError(
      "COMPARE_INPUT_MISSING",
      `no ${which} given; pass an evidence.json, a run directory or k6 NDJSON`,
    );
  }
  let files = paths;
  let runInfo: { scenario: string | null; k6Version: string | null } = {
    scenario: null,
    k6Version: null,
  };
  const first = paths[0] ?? "";
  if (paths.length === 1 && existsSync(first) && statSync(first).isDirectory()) {
    const evidence = RUN_DIR_EVIDENCE.map((name) => path.join(first, name)).find(existsSync);
    if (evidence) {
      const read = await readEvidenceFile(evidence);
      return {
        run: { source, read: "evidence", files: [evidence], metadata: describeEvidence(read) },
        evidence: read,
      };
    }
    const k6 = RUN_DIR_K6.map((name) => path.join(first, name)).find(existsSync);
    if (!k6) {
      throw new InputError(
        "COMPARE_RUN_DIR_EMPTY",
        `${first}: a directory without ${RUN_DIR_EVIDENCE[0]} or ${RUN_DIR_K6[0]}; pass a run directory of \`slogate run\` (reports/<id>/), an evidence file or k6 NDJSON`,
      );
    }
    files = [k6];
    runInfo = readRunInfo(first);
  } else if (paths.length === 1 && existsSync(first)) {
    const head = await readHead(first);
    if (head.trim() === "" || looksLikeEvidence(head) || /evidence\.json(\.gz)?$/.test(first)) {
      const read = await readEvidenceFile(first);
      return {
        run: { source, read: "evidence", files: [first], metadata: describeEvidence(read) },
        evidence: read,
      };
    }
  } else if (paths.length === 1) {
    // Missing: the evidence reader says so in one line.
    await readEvidenceFile(first);
  }
  const evidence = await buildEvidenceFromK6({
    k6Paths: files,
    profile,
    scenario: runInfo.scenario,
    k6Version: runInfo.k6Version,
    ...(options.env ? { env: options.env } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    run: { source, read: "k6-ndjson", files, metadata: describeEvidence(evidence) },
    evidence,
  };
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
  const baseName = baseline.evidence.profile.name;
  const candName = candidate.evidence.profile.name;
  if (baseName !== candName) {
    throw new InputError(
      "COMPARE_PROFILES_DIFFER",
      `${baseline.run.files.join(", ")}: the baseline was judged with profile "${baseName}", the candidate with "${candName}"; compare runs of one profile (for NDJSON, pass --profile ${candName === profile.name ? baseName : candName})`,
    );
  }
  const comparison = compareRuns({
    baseline: baseline.evidence,
    candidate: candidate.evidence,
    profile,
    ...(options.margins ? { margins: options.margins } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
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
