import { build, type Histogram } from "hdr-histogram-js";
import { toMicroseconds } from "./histogram.js";
import { classifyStatus } from "./k6-accumulator.js";
import {
  K6Accumulator,
  type K6AccumulatorOptions,
  type MetricInfo,
  type PointTags,
} from "./k6-accumulator.js";

/** One request group's figures in one time slice of the run. */
export interface SliceCell {
  requests: number;
  failures: number;
  /** http_req_duration in µs. */
  durations: Histogram;
}

/** A request group (as the accumulator groups them) with its figures per time slice. */
export interface SlicedGroup {
  phase: string;
  name: string;
  method: string;
  statusClass: string;
  expected: boolean | null;
  /** Keyed by slice index: floor(time / sliceMs) since the Unix epoch. */
  cells: Map<number, SliceCell>;
}

/** Every request group of a run, sliced in time. */
export interface SliceRecording {
  sliceMs: number;
  groups: SlicedGroup[];
  /** Points whose group was counted under route "(other)" because there were too many. */
  collapsedPoints: number;
}

/** Slices are 2 s by default: enough requests per slice for a median, enough slices per minute for the block bootstrap. */
export const DEFAULT_SLICE_MS = 2000;

/** Distinct groups kept apart in slices; more count under route "(other)", to bound memory. */
const MAX_SLICED_GROUPS = 200;
const OTHER_ROUTES = "(other)";

/**
 * Slice histograms are packed (sparse) HDR histograms: a 10-minute run of
 * 2 s slices holds 300 of them per group, and a packed one costs about the
 * buckets it uses instead of the whole value range. Same precision (3
 * significant digits, µs) as createHistogram, so they add to it exactly.
 */
export function createSliceHistogram(): Histogram {
  return build({
    bitBucketSize: "packed",
    autoResize: true,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/**
 * A K6Accumulator that also cuts every request group into time slices of
 * `sliceMs`, aligned to the epoch so that points may arrive in any order
 * (several files merge exactly). Which slices count is decided afterwards,
 * once the judged window is known (see buildEvidenceRun). Groups follow the
 * accumulator's: phase × route × method × status class × expectedness.
 */
export class SlicingAccumulator extends K6Accumulator {
  private readonly sliceMs: number;
  private readonly sliced = new Map<string, SlicedGroup>();
  private collapsedPoints = 0;

  constructor(options: K6AccumulatorOptions & { sliceMs?: number } = {}) {
    super(options);
    this.sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  }

  override addPoint(info: MetricInfo, timeMs: number, value: number, tags: PointTags): void {
    super.addPoint(info, timeMs, value, tags);
    const role = info.role;
    if (role !== "http_reqs" && role !== "http_req_duration" && role !== "http_req_failed") return;
    const cell = this.cellAt(timeMs, tags);
    if (role === "http_reqs") cell.requests += value;
    else if (role === "http_req_failed") cell.failures += value;
    else cell.durations.recordValue(toMicroseconds(Math.max(0, value)));
  }

  private cellAt(timeMs: number, tags: PointTags): SliceCell {
    const phase = tags.phase ?? "";
    const method = tags.method ?? "";
    const statusClass = classifyStatus(tags.status);
    const keyOf = (name: string) =>
      `${phase}\u0000${name}\u0000${method}\u0000${statusClass}\u0000${tags.expected}`;
    let name = tags.name ?? "";
    let group = this.sliced.get(keyOf(name));
    if (!group && this.sliced.size >= MAX_SLICED_GROUPS) {
      this.collapsedPoints++;
      name = OTHER_ROUTES;
      group = this.sliced.get(keyOf(name));
    }
    if (!group) {
      group = {
        phase,
        name,
        method,
        statusClass,
        expected: tags.expected === null ? null : tags.expected === "true",
        cells: new Map(),
      };
      this.sliced.set(keyOf(name), group);
    }
    const index = Math.floor(timeMs / this.sliceMs);
    let cell = group.cells.get(index);
    if (!cell) {
      cell = { requests: 0, failures: 0, durations: createSliceHistogram() };
      group.cells.set(index, cell);
    }
    return cell;
  }

  /** The sliced groups; call after the last point. */
  finishSlices(): SliceRecording {
    return {
      sliceMs: this.sliceMs,
      groups: [...this.sliced.values()],
      collapsedPoints: this.collapsedPoints,
    };
  }
}
