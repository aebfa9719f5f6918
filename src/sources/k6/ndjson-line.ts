import type { K6MetricType } from "../../core/evidence.js";
import { K6Accumulator, type MetricInfo, type PointTags } from "../../core/k6-accumulator.js";
import { ByteInterner, FNV_OFFSET, FNV_PRIME, parseNumberBytes } from "./bytes.js";
import type { K6TimeParser } from "./time.js";

// k6's JSON output writes every Point line with the same layout (Go struct
// field order, tags sorted by key):
//   {"metric":"<name>","type":"Point","data":{"time":"<rfc3339>","value":<n>,"tags":{…}}}
// The fast path checks that layout byte by byte and reads only the metric,
// time, value and the seven tags evaluation needs, without decoding the line.
// Anything else (Metric lines, escaped keys, extra fields such as metadata,
// odd numbers) returns false and goes through JSON.parse: unusual lines cost
// time, never correctness.
const POINT_PREFIX = Buffer.from('{"metric":"');
const AFTER_NAME = Buffer.from('","type":"Point","data":{"time":"');
const AFTER_TIME = Buffer.from('","value":');
const TAGS_OPEN = Buffer.from(',"tags":{');

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const CLOSE_BRACE = 125;

function matchesAt(buf: Buffer, position: number, expected: Buffer): boolean {
  if (position + expected.length > buf.length) return false;
  for (let i = 0; i < expected.length; i++) {
    if (buf[position + i] !== expected[i]) return false;
  }
  return true;
}

const SLOT_NONE = 0;
const SLOT_NAME = 1;
const SLOT_PHASE = 2;
const SLOT_METHOD = 3;
const SLOT_STATUS = 4;
const SLOT_SCENARIO = 5;
const SLOT_EXPECTED = 6;
const SLOT_CHECK = 7;
const KEY_NAME = Buffer.from("name");
const KEY_PHASE = Buffer.from("phase");
const KEY_METHOD = Buffer.from("method");
const KEY_STATUS = Buffer.from("status");
const KEY_SCENARIO = Buffer.from("scenario");
const KEY_EXPECTED = Buffer.from("expected_response");
const KEY_CHECK = Buffer.from("check");

/** Which wanted tag the key buf[start, start+length) is. */
function findTagSlot(buf: Buffer, start: number, length: number): number {
  switch (length) {
    case 4:
      return matchesAt(buf, start, KEY_NAME) ? SLOT_NAME : SLOT_NONE;
    case 5:
      if (matchesAt(buf, start, KEY_PHASE)) return SLOT_PHASE;
      return matchesAt(buf, start, KEY_CHECK) ? SLOT_CHECK : SLOT_NONE;
    case 6:
      if (matchesAt(buf, start, KEY_METHOD)) return SLOT_METHOD;
      return matchesAt(buf, start, KEY_STATUS) ? SLOT_STATUS : SLOT_NONE;
    case 8:
      return matchesAt(buf, start, KEY_SCENARIO) ? SLOT_SCENARIO : SLOT_NONE;
    case 17:
      return matchesAt(buf, start, KEY_EXPECTED) ? SLOT_EXPECTED : SLOT_NONE;
    default:
      return SLOT_NONE;
  }
}

/** Resets the reused tag holder. */
export function clearTags(tags: PointTags): void {
  tags.phase = null;
  tags.name = null;
  tags.method = null;
  tags.status = null;
  tags.expected = null;
  tags.scenario = null;
  tags.check = null;
}

/**
 * Reads k6 Point lines from bytes into an accumulator. One per file: it keeps
 * the interned tag values and the metric lookup cache.
 */
export class PointLineScanner {
  private readonly values = new ByteInterner(8192);
  private readonly names = new ByteInterner(1024);
  private readonly metrics = new Map<string, MetricInfo>();
  private readonly tags: PointTags = {
    phase: null,
    name: null,
    method: null,
    status: null,
    expected: null,
    scenario: null,
    check: null,
  };

  constructor(
    private readonly sink: K6Accumulator,
    private readonly times: K6TimeParser,
  ) {}

  /** Forgets cached metric roles (after a Metric line re-declares one). */
  forgetMetric(name: string): void {
    this.metrics.delete(name);
  }

  private metricInfo(buf: Buffer, start: number, end: number): MetricInfo | null {
    let hash = FNV_OFFSET;
    for (let i = start; i < end; i++) {
      const code = buf[i] ?? 0;
      if (code === BACKSLASH || code >= 128) return null;
      hash = Math.imul(hash ^ code, FNV_PRIME);
    }
    const name = this.names.intern(buf, start, end, hash);
    let info = this.metrics.get(name);
    if (!info) {
      info = this.sink.lookupMetric(name);
      if (info.role !== "undeclared") this.metrics.set(name, info);
    }
    return info;
  }

  /** Reads the tags object after its `{`; returns the index of its closing `}` or -1. */
  private scanTags(buf: Buffer, position: number, end: number): number {
    const tags = this.tags;
    clearTags(tags);
    if (buf[position] === CLOSE_BRACE) return position;
    for (;;) {
      if (buf[position] !== QUOTE) return -1;
      const keyStart = position + 1;
      let keyEnd = keyStart;
      while (keyEnd < end && buf[keyEnd] !== QUOTE) {
        if (buf[keyEnd] === BACKSLASH) return -1;
        keyEnd++;
      }
      // Tag values are always strings in k6's output.
      if (buf[keyEnd + 1] !== COLON || buf[keyEnd + 2] !== QUOTE) return -1;
      const slot = findTagSlot(buf, keyStart, keyEnd - keyStart);
      const valueStart = keyEnd + 3;
      let position2 = valueStart;
      let hash = FNV_OFFSET;
      let escaped = false;
      for (;;) {
        if (position2 >= end) return -1;
        const code = buf[position2] ?? 0;
        if (code === QUOTE) break;
        if (code === BACKSLASH) {
          escaped = true;
          position2 += 2;
          continue;
        }
        if (slot !== SLOT_NONE) hash = Math.imul(hash ^ code, FNV_PRIME);
        position2++;
      }
      if (slot !== SLOT_NONE) {
        const value = escaped
          ? (JSON.parse(buf.toString("utf8", valueStart - 1, position2 + 1)) as string)
          : this.values.intern(buf, valueStart, position2, hash);
        if (slot === SLOT_NAME) tags.name = value;
        else if (slot === SLOT_PHASE) tags.phase = value;
        else if (slot === SLOT_METHOD) tags.method = value;
        else if (slot === SLOT_STATUS) tags.status = value;
        else if (slot === SLOT_SCENARIO) tags.scenario = value;
        else if (slot === SLOT_CHECK) tags.check = value;
        else tags.expected = value;
      }
      const next = buf[position2 + 1];
      if (next === CLOSE_BRACE) return position2 + 1;
      if (next !== COMMA) return -1;
      position = position2 + 2;
    }
  }

  /**
   * Handles the line buf[start, end) (no newline) on the fast path. Returns
   * true when it was a Point line in the usual layout and has been added;
   * false when the caller must parse it with JSON.parse.
   */
  scan(buf: Buffer, start: number, end: number): boolean {
    if (!matchesAt(buf, start, POINT_PREFIX)) return false;
    const nameStart = start + POINT_PREFIX.length;
    let nameEnd = nameStart;
    while (nameEnd < end && buf[nameEnd] !== QUOTE) nameEnd++;
    if (nameEnd >= end || !matchesAt(buf, nameEnd, AFTER_NAME)) return false;
    const info = this.metricInfo(buf, nameStart, nameEnd);
    if (!info) return false;
    if (!K6Accumulator.needsPoint(info)) {
      // Metrics evaluation never reads (http_req_waiting, data_sent…) are
      // only checked to end like a complete line; a line without its newline
      // at the end of a file is always fully parsed, which is where a cut shows.
      if (buf[end - 1] !== CLOSE_BRACE) return false;
      this.sink.points++;
      return true;
    }
    const timeStart = nameEnd + AFTER_NAME.length;
    let timeEnd = timeStart;
    while (timeEnd < end && buf[timeEnd] !== QUOTE) timeEnd++;
    if (timeEnd >= end || !matchesAt(buf, timeEnd, AFTER_TIME)) return false;
    const timeMs = this.times.parse(buf, timeStart, timeEnd);
    if (Number.isNaN(timeMs)) return false;
    const valueStart = timeEnd + AFTER_TIME.length;
    let valueEnd = valueStart;
    while (valueEnd < end && buf[valueEnd] !== COMMA) valueEnd++;
    if (valueEnd >= end || !matchesAt(buf, valueEnd, TAGS_OPEN)) return false;
    const value = parseNumberBytes(buf, valueStart, valueEnd);
    if (Number.isNaN(value)) return false;
    const tagsEnd = this.scanTags(buf, valueEnd + TAGS_OPEN.length, end);
    // The tags, data and point objects must close the line, with nothing after.
    if (
      tagsEnd === -1 ||
      tagsEnd + 3 !== end ||
      buf[end - 2] !== CLOSE_BRACE ||
      buf[end - 1] !== CLOSE_BRACE
    ) {
      return false;
    }
    this.sink.addPoint(info, timeMs, value, this.tags);
    return true;
  }
}

interface JsonMetricLine {
  type: "Metric";
  metric: string;
  data: { name: string; type: K6MetricType; contains: string };
}
interface JsonPointLine {
  type: "Point";
  metric: string;
  data: { time: string; value: number; tags: Record<string, unknown> | null };
}

const METRIC_TYPES = new Set(["counter", "gauge", "rate", "trend"]);

/** Recognises a JSON.parse'd k6 output line; null for anything that is not k6 NDJSON. */
export function classifyJsonLine(value: unknown): JsonMetricLine | JsonPointLine | null {
  if (typeof value !== "object" || value === null) return null;
  const line = value as Record<string, unknown>;
  const data = line.data as Record<string, unknown> | null | undefined;
  if (typeof line.metric !== "string" || typeof data !== "object" || data === null) return null;
  if (line.type === "Metric") {
    if (
      typeof data.name !== "string" ||
      typeof data.type !== "string" ||
      !METRIC_TYPES.has(data.type)
    )
      return null;
    return line as unknown as JsonMetricLine;
  }
  if (line.type === "Point") {
    if (typeof data.time !== "string" || typeof data.value !== "number") return null;
    if (data.tags !== null && data.tags !== undefined && typeof data.tags !== "object") return null;
    return line as unknown as JsonPointLine;
  }
  return null;
}

/** Copies the wanted tags of a parsed Point into the reused holder. */
export function readJsonTags(
  source: Record<string, unknown> | null | undefined,
  tags: PointTags,
): void {
  clearTags(tags);
  if (!source) return;
  const pick = (key: string): string | null => {
    const value = source[key];
    return typeof value === "string" ? value : null;
  };
  tags.phase = pick("phase");
  tags.name = pick("name");
  tags.method = pick("method");
  tags.status = pick("status");
  tags.expected = pick("expected_response");
  tags.scenario = pick("scenario");
  tags.check = pick("check");
}
