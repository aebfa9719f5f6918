import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { gunzipSync, gzipSync } from "node:zlib";
import { Ajv, type ErrorObject } from "ajv";
import { readCiMetadata } from "../core/ci-metadata.js";
import {
  buildBoundedEvidenceFile,
  decodeGroupDurations,
  EVIDENCE_FORMAT,
  EVIDENCE_VERSION,
  findEvidenceInconsistency,
  type EvidenceFileV1,
  SliceDecodeError,
  type ProfileFingerprint,
} from "../core/evidence-file.js";
import type { SloProfile } from "../core/profile.js";
import { assessStreamLoad, selectStreamWindow } from "../core/stream-window.js";
import { InputError } from "../errors.js";
import { redactReportText } from "../redact.js";
import { readK6Slices } from "./k6/slices.js";

/** The schema every evidence file is checked against on reading (shipped in the package's schemas/). */
export const EVIDENCE_SCHEMA_FILE = new URL(
  "../../schemas/evidence-v1.schema.json",
  import.meta.url,
);

function sha256(text: string): string {
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

/**
 * The profile's name and a hash of what each objective measures (source,
 * metric, stat, requests, responses, query). Bounds and tiers are left out:
 * a changed bound judges the same measurement differently, which a
 * comparison of the two runs does not depend on.
 */
export function fingerprintProfile(profile: SloProfile): ProfileFingerprint {
  const objectives = profile.objectives.map((spec) => ({
    id: spec.id,
    hash: sha256(JSON.stringify({ id: spec.id, source: spec.source, measure: spec.measure })),
  }));
  return {
    name: profile.name,
    objectivesHash: sha256(objectives.map((o) => o.hash).join("\n")),
    objectives,
  };
}

export interface BuildEvidenceOptions {
  /** k6 `--out json` NDJSON files, plain or gzip; several merge. */
  k6Paths: readonly string[];
  profile: SloProfile;
  /** The window judged: the profile's unless given. */
  window?: "steady" | "all";
  scenario?: string | null;
  k6Version?: string | null;
  /** CI variables are read from it; process.env by default. */
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
  sliceMs?: number;
}

/**
 * Reads k6 NDJSON once and makes the run's evidence file for the window the
 * verdict judges (the profile's: steady by default, chosen as check chooses it).
 */
export async function buildEvidenceFromK6(options: BuildEvidenceOptions): Promise<EvidenceFileV1> {
  const { evidence, recording } = await readK6Slices(
    options.k6Paths,
    options.sliceMs === undefined ? {} : { sliceMs: options.sliceMs },
  );
  const { window } = selectStreamWindow(
    evidence,
    options.window ?? options.profile.evaluation.window,
  );
  const { load } = assessStreamLoad(evidence, window, options.profile.evaluation);
  return buildBoundedEvidenceFile(recording, window, {
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    profile: fingerprintProfile(options.profile),
    scenario: options.scenario ?? null,
    k6Version: options.k6Version ?? null,
    ci: readCiMetadata(options.env ?? process.env),
    offeredRatePerSecond: evidence.offeredRatePerSecond,
    achievedIterationRatePerSecond: load.achievedIterationRatePerSecond,
    // The file is kept and shared like a report: request names as reports show them.
    writeName: (name) => redactReportText(name, options.profile.redaction ?? {}),
  });
}

/** Writes the file as compact JSON, gzip when the path ends in .gz. Returns its size in bytes. */
export async function writeEvidenceFile(file: string, evidence: EvidenceFileV1): Promise<number> {
  const text = JSON.stringify(evidence);
  const bytes = file.endsWith(".gz") ? gzipSync(text) : Buffer.from(text, "utf8");
  await writeFile(file, bytes);
  return bytes.length;
}

let validator: ((value: unknown) => ErrorObject[]) | null = null;

function validateAgainstSchema(value: unknown): ErrorObject[] {
  if (validator === null) {
    const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
    const schema = JSON.parse(readFileSync(EVIDENCE_SCHEMA_FILE, "utf8")) as object;
    const compiled = ajv.compile(schema);
    validator = (candidate) => (compiled(candidate) ? [] : [...(compiled.errors ?? [])]);
  }
  return validator(value);
}

function describeSchemaError(error: ErrorObject): string {
  const at = error.instancePath === "" ? "(root)" : error.instancePath.slice(1).replace(/\//g, ".");
  if (error.keyword === "required") {
    return `${at}: missing ${(error.params as { missingProperty: string }).missingProperty}`;
  }
  if (error.keyword === "additionalProperties") {
    return `${at}: unknown field ${(error.params as { additionalProperty: string }).additionalProperty}`;
  }
  return `${at} ${error.message ?? error.keyword}`;
}

const REMAKE =
  "re-create it with `slogate compare` from the run's k6.ndjson, or pass the run's k6.ndjson instead";

/** Whether these first bytes (gunzipped) start a slogate evidence document. */
export function looksLikeEvidence(head: string): boolean {
  return /^\s*\{\s*"format"\s*:\s*"slogate-evidence"/.test(head);
}

/**
 * Reads and checks an evidence file (plain or gzip): a missing, empty,
 * truncated, non-JSON, other-format or other-version file is an InputError
 * naming the file and what to do, never a silent result.
 */
export async function readEvidenceFile(file: string): Promise<EvidenceFileV1> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === "ENOENT";
    throw new InputError(
      missing ? "EVIDENCE_NOT_FOUND" : "EVIDENCE_UNREADABLE",
      `${file}: ${missing ? "no such file; pass an evidence.json, a run directory (reports/<id>/) or k6 NDJSON" : `cannot be read (${(cause as Error).message})`}`,
      { cause },
    );
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (cause) {
      throw new InputError(
        "EVIDENCE_TRUNCATED",
        `${file}: gzip data is corrupt or cut short (${(cause as Error).message}); ${REMAKE}`,
        { cause },
      );
    }
  }
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  if (text.trim() === "") {
    throw new InputError("EVIDENCE_EMPTY", `${file}: empty file; ${REMAKE}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(
      looksLikeEvidence(text) ? "EVIDENCE_TRUNCATED" : "EVIDENCE_INVALID",
      looksLikeEvidence(text)
        ? `${file}: the evidence file is cut short (not complete JSON); ${REMAKE}`
        : `${file}: not JSON; pass a slogate evidence.json, a run directory or k6 NDJSON`,
    );
  }
  const record =
    typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  if (record.format !== EVIDENCE_FORMAT) {
    throw new InputError(
      "EVIDENCE_INVALID",
      `${file}: not a slogate evidence file (no "format": "${EVIDENCE_FORMAT}"); pass an evidence.json, a run directory or k6 NDJSON`,
    );
  }
  if (record.version !== EVIDENCE_VERSION) {
    throw new InputError(
      "EVIDENCE_VERSION",
      `${file}: evidence schema version ${JSON.stringify(record.version)}, this slogate reads version ${EVIDENCE_VERSION}; ${REMAKE}`,
    );
  }
  const errors = validateAgainstSchema(value);
  const first = errors[0];
  if (first) {
    throw new InputError(
      "EVIDENCE_INVALID",
      `${file}: ${describeSchemaError(first)} (schemas/evidence-v1.schema.json); ${REMAKE}`,
    );
  }
  const evidence = value as EvidenceFileV1;
  const inconsistency = findEvidenceInconsistency(evidence);
  if (inconsistency !== null) {
    throw new InputError("EVIDENCE_INVALID", `${file}: ${inconsistency}; ${REMAKE}`);
  }
  for (const [i, group] of evidence.groups.entries()) {
    try {
      decodeGroupDurations(group);
    } catch (cause) {
      const j = cause instanceof SliceDecodeError ? cause.sliceIndex : 0;
      throw new InputError(
        "EVIDENCE_INVALID",
        `${file}: groups[${i}].durations[${j}] is not an encoded histogram (${(cause as Error).message}); ${REMAKE}`,
        { cause },
      );
    }
  }
  return evidence;
}
