import { open, readFile } from "node:fs/promises";
import { constants, gunzipSync } from "node:zlib";
import type { K6Evidence } from "../../core/evidence.js";
import { InputError } from "../../errors.js";
import { readK6Ndjson, type ReadK6NdjsonOptions } from "./ndjson.js";
import { classifyJsonLine } from "./ndjson-line.js";
import { readK6SummaryText } from "./summary.js";

export type K6FileFormat = "ndjson" | "summary";

const SNIFF_BYTES = 64 * 1024;

async function readHead(file: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === "ENOENT";
    throw new InputError(
      missing ? "K6_INPUT_NOT_FOUND" : "K6_INPUT_UNREADABLE",
      `${file}: ${missing ? "no such file" : `cannot be read (${(cause as Error).message})`}`,
      { cause },
    );
  }
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Tells k6 NDJSON (`--out json`) from a summary document by content: NDJSON's
 * first line is a complete k6 Metric/Point object (or starts like one); a
 * summary is one JSON document. Gzip is looked through.
 */
export async function detectK6FileFormat(file: string): Promise<K6FileFormat> {
  let head = await readHead(file);
  if (isGzip(head)) {
    try {
      // A partial gzip stream inflates as far as it goes with a sync flush.
      head = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (cause) {
      throw new InputError(
        "K6_NDJSON_INVALID",
        `${file}:1: gzip data is corrupt (${(cause as Error).message})`,
        {
          cause,
        },
      );
    }
  }
  const text = head.toString("utf8").replace(/^\uFEFF/, "");
  const trimmed = text.trimStart();
  if (trimmed === "")
    throw new InputError("K6_INPUT_EMPTY", `${file}: empty file; did k6 write its results?`);
  if (!trimmed.startsWith("{")) {
    throw new InputError(
      "K6_FORMAT_UNKNOWN",
      `${file}:1: not JSON; expected k6 --out json NDJSON or a k6 summary JSON`,
    );
  }
  const newline = trimmed.indexOf("\n");
  const firstLine = (newline === -1 ? trimmed : trimmed.slice(0, newline)).trim();
  if (/^\{\s*"(type|metric)"\s*:\s*"/.test(firstLine)) return "ndjson";
  try {
    if (classifyJsonLine(JSON.parse(firstLine))) return "ndjson";
  } catch {
    // Not a one-line object: a pretty-printed summary.
  }
  return "summary";
}

async function readSummaryFile(file: string): Promise<K6Evidence> {
  let bytes = await readFile(file);
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (cause) {
      throw new InputError(
        "K6_SUMMARY_INVALID",
        `${file}: gzip data is corrupt (${(cause as Error).message})`,
        {
          cause,
        },
      );
    }
  }
  return readK6SummaryText(file, bytes.toString("utf8").replace(/^\uFEFF/, ""));
}

/**
 * Reads k6 evidence: one or more NDJSON files (merged exactly: histograms
 * add, counts add), or exactly one summary. Summaries cannot be merged
 * (percentiles do not add), so several files must all be NDJSON.
 */
export async function readK6Evidence(
  files: readonly string[],
  options: ReadK6NdjsonOptions = {},
): Promise<K6Evidence> {
  if (files.length === 0) {
    throw new InputError(
      "K6_INPUT_MISSING",
      "no k6 result files given; pass k6's --out json file (or its summary)",
    );
  }
  const formats = await Promise.all(files.map((file) => detectK6FileFormat(file)));
  const summaryIndex = formats.indexOf("summary");
  if (summaryIndex !== -1) {
    const file = files[summaryIndex] ?? "";
    if (files.length > 1) {
      throw new InputError(
        "K6_SUMMARIES_NOT_MERGEABLE",
        `${file}: a k6 summary cannot be merged with other files (percentiles do not add); pass the runs' NDJSON (--out json) files instead`,
      );
    }
    if (options.selection?.kind === "range") {
      throw new InputError(
        "K6_SUMMARY_NO_RANGE",
        `${file}: a k6 summary covers the whole run, so a time range cannot be applied; pass NDJSON (--out json) or use --window steady|all`,
      );
    }
    return readSummaryFile(file);
  }
  return readK6Ndjson(files, options);
}
