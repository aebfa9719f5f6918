import type { StreamEvidence } from "../../core/evidence.js";
import { SlicingAccumulator, type SliceRecording } from "../../core/k6-slices.js";
import { InputError } from "../../errors.js";
import { feedK6Ndjson } from "./ndjson.js";
import { detectK6FileFormat } from "./read-evidence.js";

export interface ReadK6SlicesOptions {
  /** Slice length, 2000 ms by default. */
  sliceMs?: number;
}

export interface K6Slices {
  /** The same aggregates readK6Ndjson gives (the window is chosen from them). */
  evidence: StreamEvidence;
  recording: SliceRecording;
}

/**
 * Reads k6 `--out json` NDJSON files (plain or gzip; several merge) once,
 * into the usual aggregates and every request group cut into time slices.
 * A k6 summary has no time structure, so it cannot be sliced.
 */
export async function readK6Slices(
  files: readonly string[],
  options: ReadK6SlicesOptions = {},
): Promise<K6Slices> {
  for (const file of files) {
    if ((await detectK6FileFormat(file)) === "summary") {
      throw new InputError(
        "K6_SUMMARY_NOT_SLICEABLE",
        `${file}: a k6 summary holds no per-request times, so runs cannot be compared from it; pass k6's --out json NDJSON or an evidence.json`,
      );
    }
  }
  const sink = new SlicingAccumulator(
    options.sliceMs === undefined ? {} : { sliceMs: options.sliceMs },
  );
  await feedK6Ndjson(files, sink);
  return { evidence: sink.finish(), recording: sink.finishSlices() };
}
