import { existsSync, readFileSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { constants, gunzipSync } from "node:zlib";
import { describeEvidence, type ComparedRun } from "../core/compare-runs.js";
import type { EvidenceFileV1 } from "../core/evidence-file.js";
import type { SloProfile } from "../core/profile.js";
import { InputError } from "../errors.js";
import {
  buildEvidenceFromK6,
  looksLikeEvidence,
  readEvidenceFile,
} from "../sources/evidence-file.js";

/** What a comparison side is read with: CI variables and the clock, for NDJSON turned into evidence. */
export interface SideReadOptions {
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
}

/** One side of a comparison, read: where it came from, and its evidence. */
export interface ReadSide {
  run: ComparedRun;
  evidence: EvidenceFileV1;
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

/**
 * Reads one side of a comparison: an evidence file (plain or gzip), a run
 * directory (its evidence.json, else its k6.ndjson), or k6 NDJSON files
 * (several merge), turned into evidence with `profile`. Bad input is an
 * InputError naming the file and what to do.
 */
export async function readSide(
  which: "baseline" | "candidate",
  given: string | readonly string[],
  profile: SloProfile,
  options: SideReadOptions,
): Promise<ReadSide> {
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

/** Runs judged by different profiles are not compared: an InputError naming the baseline's files. */
export function ensureSameProfile(
  baseline: ReadSide,
  candidate: EvidenceFileV1,
  profileName: string,
): void {
  const baseName = baseline.evidence.profile.name;
  const candName = candidate.profile.name;
  if (baseName !== candName) {
    throw new InputError(
      "COMPARE_PROFILES_DIFFER",
      `${baseline.run.files.join(", ")}: the baseline was judged with profile "${baseName}", the candidate with "${candName}"; compare runs of one profile (for NDJSON, pass --profile ${candName === profileName ? baseName : candName})`,
    );
  }
}
