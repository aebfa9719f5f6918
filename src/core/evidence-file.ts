import { decodeFromCompressedBase64, encodeIntoCompressedBase64 } from "hdr-histogram-js";
import type { CiMetadata, EvidenceHeaderV1, ProfileFingerprint } from "./run-metadata.js";

export type { ProfileFingerprint };
import { createHistogram, type Histogram } from "./histogram.js";
import type { SliceRecording } from "./k6-slices.js";
import type { StreamWindow } from "./stream-window.js";

/** The schema version this code writes and reads (schemas/evidence-v1.schema.json). */
export const EVIDENCE_VERSION = 1;
export const EVIDENCE_FORMAT = "slogate-evidence";

/**
 * A run's compact evidence: per request group, the exact duration histogram,
 * requests and failures of every time slice of the judged window. Its size
 * grows with the window's length and the number of groups, never with the
 * number of requests. See docs/evidence.md.
 */
export interface EvidenceFileV1 extends EvidenceHeaderV1 {
  format: typeof EVIDENCE_FORMAT;
  version: typeof EVIDENCE_VERSION;
  slices: { startMs: number; durationMs: number }[];
  groups: EvidenceGroupV1[];
}

export interface EvidenceGroupV1 {
  name: string;
  method: string;
  statusClass: string;
  expected: boolean | null;
  /** Per slice, in the order of `slices`. */
  requests: number[];
  failures: number[];
  /** Per slice: hdr-histogram-js encodeIntoCompressedBase64 of the µs durations; null when none. */
  durations: (string | null)[];
}

export interface EvidenceMetadata {
  createdAt: string;
  profile: ProfileFingerprint;
  scenario: string | null;
  k6Version: string | null;
  ci: CiMetadata | null;
  offeredRatePerSecond: number | null;
  achievedIterationRatePerSecond: number | null;
  /**
   * How a request name is written into the file (credentials and query values
   * hidden, as reports show them); groups whose written names match merge.
   */
  writeName?: (name: string) => string;
}

/** Above this many slices, consecutive ones are merged so the file stays bounded for long runs. */
export const MAX_SLICES = 300;

interface PlannedSlice {
  startMs: number;
  durationMs: number;
  /** Epoch-aligned recording indices this slice covers. */
  indices: number[];
}

/**
 * Cuts [fromMs, toMs] into the recording's epoch-aligned slices, folds an
 * edge slice shorter than half a slice into its neighbour (a 10 ms sliver
 * would read as a wild per-slice rate), and merges runs of consecutive
 * slices when there are more than MAX_SLICES.
 */
export function planSlices(
  fromMs: number,
  toMs: number,
  sliceMs: number,
  maxSlices: number = MAX_SLICES,
): { sliceMs: number; slices: PlannedSlice[] } {
  const first = Math.floor(fromMs / sliceMs);
  const last = Math.floor(toMs / sliceMs);
  let planned: PlannedSlice[] = [];
  for (let i = first; i <= last; i++) {
    const start = Math.max(fromMs, i * sliceMs);
    const end = Math.min(toMs, (i + 1) * sliceMs);
    planned.push({ startMs: start, durationMs: Math.max(0, end - start), indices: [i] });
  }
  const fold = (from: PlannedSlice, into: PlannedSlice): void => {
    into.startMs = Math.min(into.startMs, from.startMs);
    into.durationMs += from.durationMs;
    into.indices.push(...from.indices);
  };
  const head = planned[0];
  if (planned.length > 1 && head && head.durationMs < sliceMs / 2) {
    fold(head, planned[1] as PlannedSlice);
    planned.shift();
  }
  const tail = planned[planned.length - 1];
  if (planned.length > 1 && tail && tail.durationMs < sliceMs / 2) {
    fold(tail, planned[planned.length - 2] as PlannedSlice);
    planned.pop();
  }
  let per = 1;
  if (planned.length > maxSlices) {
    per = Math.ceil(planned.length / maxSlices);
    const merged: PlannedSlice[] = [];
    planned.forEach((slice, i) => {
      if (i % per === 0) merged.push({ ...slice, indices: [...slice.indices] });
      else fold(slice, merged[merged.length - 1] as PlannedSlice);
    });
    planned = merged;
  }
  // A slice never lasts 0 ms (a window of one instant): 1 ms keeps rates finite.
  for (const slice of planned) slice.durationMs = Math.max(1, slice.durationMs);
  return { sliceMs: sliceMs * per, slices: planned };
}

/**
 * The evidence file of a run: the recording's groups in the window's phases,
 * merged across phases by route, method, status class and expectedness, cut
 * into the window's slices. Pure.
 */
export function buildEvidenceFile(
  recording: SliceRecording,
  window: StreamWindow,
  metadata: EvidenceMetadata,
  maxSlices: number = MAX_SLICES,
): EvidenceFileV1 {
  const plan =
    window.fromMs === null || window.toMs === null
      ? { sliceMs: recording.sliceMs, slices: [] }
      : planSlices(window.fromMs, window.toMs, recording.sliceMs, maxSlices);
  const planned = plan.slices;
  const merged = new Map<string, EvidenceGroupV1>();
  let requestsInWindow = 0;
  for (const group of recording.groups) {
    if (!window.phases.has(group.phase)) continue;
    const name = metadata.writeName ? metadata.writeName(group.name) : group.name;
    const key = `${name}\u0000${group.method}\u0000${group.statusClass}\u0000${group.expected}`;
    const requests = planned.map((slice) =>
      slice.indices.reduce((sum, i) => sum + (group.cells.get(i)?.requests ?? 0), 0),
    );
    const failures = planned.map((slice) =>
      slice.indices.reduce((sum, i) => sum + (group.cells.get(i)?.failures ?? 0), 0),
    );
    const histograms = planned.map((slice) => {
      const histogram = createHistogram();
      for (const i of slice.indices) {
        const cell = group.cells.get(i);
        if (cell && cell.durations.totalCount > 0) histogram.add(cell.durations);
      }
      return histogram;
    });
    const into = merged.get(key);
    if (into) {
      requests.forEach((n, i) => (into.requests[i] = (into.requests[i] ?? 0) + n));
      failures.forEach((n, i) => (into.failures[i] = (into.failures[i] ?? 0) + n));
      histograms.forEach((histogram, i) => {
        const existing = into.durations[i];
        if (histogram.totalCount === 0) return;
        if (existing) histogram.add(decodeSliceHistogram(existing));
        into.durations[i] = encodeIntoCompressedBase64(histogram);
      });
    } else {
      merged.set(key, {
        name,
        method: group.method,
        statusClass: group.statusClass,
        expected: group.expected,
        requests,
        failures,
        durations: histograms.map((h) => (h.totalCount > 0 ? encodeIntoCompressedBase64(h) : null)),
      });
    }
    requestsInWindow += requests.reduce((a, b) => a + b, 0);
  }
  const groups = [...merged.values()]
    .filter((group) => group.requests.some((n) => n > 0) || group.durations.some((d) => d))
    .sort((a, b) =>
      `${a.name}\u0000${a.method}\u0000${a.statusClass}`.localeCompare(
        `${b.name}\u0000${b.method}\u0000${b.statusClass}`,
      ),
    );
  const seconds = window.seconds ?? 0;
  return {
    format: EVIDENCE_FORMAT,
    version: EVIDENCE_VERSION,
    createdAt: metadata.createdAt,
    window:
      window.fromMs === null || window.toMs === null
        ? null
        : {
            kind: window.kind,
            from: new Date(window.fromMs).toISOString(),
            to: new Date(window.toMs).toISOString(),
            seconds,
          },
    sliceMs: plan.sliceMs,
    slices: planned.map(({ startMs, durationMs }) => ({ startMs, durationMs })),
    profile: metadata.profile,
    scenario: metadata.scenario,
    k6Version: metadata.k6Version,
    load: {
      offeredRatePerSecond: metadata.offeredRatePerSecond,
      achievedRequestRatePerSecond: seconds > 0 ? requestsInWindow / seconds : null,
      achievedIterationRatePerSecond: metadata.achievedIterationRatePerSecond,
    },
    ci: metadata.ci,
    groups,
  };
}

/** Evidence files stay below this many bytes of JSON (see buildBoundedEvidenceFile). */
export const EVIDENCE_BUDGET_BYTES = 1_000_000;

/** Fewer slices than this are never made to save bytes: the comparison needs ≥ 8, and wants more. */
const MIN_BUDGET_SLICES = 40;

/**
 * The evidence file within a byte budget: its size grows with groups × slices
 * × the buckets each slice fills, never with the request count, but a busy
 * run of many groups can still pass 1 MB in 2 s slices. Then consecutive
 * slices are merged, halving their number, until the file fits or 40 slices
 * are left (the file's sliceMs says how long they became). Pure.
 */
export function buildBoundedEvidenceFile(
  recording: SliceRecording,
  window: StreamWindow,
  metadata: EvidenceMetadata,
  budgetBytes: number = EVIDENCE_BUDGET_BYTES,
): EvidenceFileV1 {
  let maxSlices = MAX_SLICES;
  for (;;) {
    const file = buildEvidenceFile(recording, window, metadata, maxSlices);
    if (file.slices.length <= MIN_BUDGET_SLICES) return file;
    if (new TextEncoder().encode(JSON.stringify(file)).length <= budgetBytes) return file;
    maxSlices = Math.max(MIN_BUDGET_SLICES, Math.floor(file.slices.length / 2));
  }
}

/** A slice histogram from the file, in the project's 32-bit µs histogram. */
export function decodeSliceHistogram(encoded: string): Histogram {
  // Read-only here: the histograms a reader builds from these are its own (createHistogram).
  const histogram = decodeFromCompressedBase64(encoded, 32, false);
  histogram.autoResize = true;
  return histogram;
}

/** A slice's histogram that does not decode: which slice, and why. */
export class SliceDecodeError extends Error {
  constructor(
    readonly sliceIndex: number,
    cause: unknown,
  ) {
    super((cause as Error).message, { cause });
  }
}

const decodedGroups = new WeakMap<EvidenceGroupV1, (Histogram | null)[]>();

/**
 * A group's per-slice histograms, decoded once per group object: the reader
 * that checks a file and the comparison that reads it share the work.
 * @throws SliceDecodeError naming the slice that does not decode.
 */
export function decodeGroupDurations(group: EvidenceGroupV1): (Histogram | null)[] {
  const known = decodedGroups.get(group);
  if (known) return known;
  const decoded = group.durations.map((encoded, index) => {
    if (encoded === null) return null;
    try {
      return decodeSliceHistogram(encoded);
    } catch (cause) {
      throw new SliceDecodeError(index, cause);
    }
  });
  decodedGroups.set(group, decoded);
  return decoded;
}

/**
 * What the schema cannot say: every group has one figure per slice. The
 * problem in words, or null when consistent.
 */
export function findEvidenceInconsistency(file: EvidenceFileV1): string | null {
  const count = file.slices.length;
  for (const [i, group] of file.groups.entries()) {
    for (const key of ["requests", "failures", "durations"] as const) {
      if (group[key].length !== count) {
        return `groups[${i}].${key} has ${group[key].length} entries for ${count} slices`;
      }
    }
  }
  return null;
}
