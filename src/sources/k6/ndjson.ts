import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import type { PointSelection, StreamEvidence } from "../../core/evidence.js";
import { K6Accumulator, type PointTags } from "../../core/k6-accumulator.js";
import { InputError } from "../../errors.js";
import { classifyJsonLine, PointLineScanner, readJsonTags } from "./ndjson-line.js";
import { K6TimeParser } from "./time.js";

export interface ReadK6NdjsonOptions {
  /** Points by phase (default; the window is picked at evaluation) or an explicit time range. */
  selection?: PointSelection;
  /** Built-in metrics to aggregate besides those evaluation always reads (e.g. iteration_duration). */
  trackMetrics?: readonly string[];
  /** Distinct route names kept apart before the rest collapse into "(other)"; 1000 by default. */
  maxRouteNames?: number;
}

const CHUNK_BYTES = 1 << 20;

/** Whether the file starts with the gzip magic bytes 1f 8b. */
export async function isGzipFile(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = buf[i];
    if (code !== 32 && code !== 9 && code !== 13) return false;
  }
  return true;
}

class LineReader {
  private readonly times = new K6TimeParser();
  private readonly scanner: PointLineScanner;
  private readonly tags: PointTags = {
    phase: null,
    name: null,
    method: null,
    status: null,
    expected: null,
    scenario: null,
    check: null,
  };
  lineNumber = 0;
  contentLines = 0;

  constructor(
    private readonly file: string,
    private readonly sink: K6Accumulator,
  ) {
    this.scanner = new PointLineScanner(sink, this.times);
  }

  /** Handles buf[start, end) (no newline). `last`: a file's unterminated last line, always fully parsed. */
  line(buf: Buffer, start: number, end: number, last: boolean): void {
    this.lineNumber++;
    if (!last && this.scanner.scan(buf, start, end)) {
      this.contentLines++;
      return;
    }
    if (isBlank(buf, start, end)) return;
    this.contentLines++;
    this.parseJsonLine(buf.toString("utf8", start, end), last);
  }

  private fail(problem: string): never {
    throw new InputError("K6_NDJSON_INVALID", `${this.file}:${this.lineNumber}: ${problem}`);
  }

  private parseJsonLine(line: string, last: boolean): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.fail(
        last
          ? "the last line is cut short (k6 did not finish writing?); re-run k6 or drop the partial line"
          : `not JSON (${JSON.stringify(line.slice(0, 40))}…); pass k6 output written with --out json=<file>`,
      );
    }
    const parsed = classifyJsonLine(value);
    if (!parsed) {
      this.fail(
        'not a k6 --out json line (expected {"type":"Point"…} or {"type":"Metric"…}); unknown k6 output format',
      );
    }
    if (parsed.type === "Metric") {
      this.sink.declareMetric(parsed.data.name, parsed.data.type, parsed.data.contains);
      this.scanner.forgetMetric(parsed.data.name);
      return;
    }
    const info = this.sink.lookupMetric(parsed.metric);
    if (!K6Accumulator.needsPoint(info)) {
      this.sink.points++;
      return;
    }
    const time = Buffer.from(parsed.data.time, "utf8");
    const timeMs = this.times.parse(time, 0, time.length);
    if (Number.isNaN(timeMs))
      this.fail(`bad time ${JSON.stringify(parsed.data.time)}; expected RFC 3339`);
    readJsonTags(parsed.data.tags, this.tags);
    this.sink.addPoint(info, timeMs, parsed.data.value, this.tags);
  }
}

/** Splits buf[start, filled) into lines; returns where the unfinished last line starts. */
function feedLines(reader: LineReader, buf: Buffer, start: number, filled: number): number {
  const view = filled === buf.length ? buf : buf.subarray(0, filled);
  let newline = view.indexOf(10, start);
  while (newline !== -1) {
    // CRLF files (a copy through Windows): drop the CR so the fast path still applies.
    reader.line(
      buf,
      start,
      newline > start && buf[newline - 1] === 13 ? newline - 1 : newline,
      false,
    );
    start = newline + 1;
    newline = view.indexOf(10, start);
  }
  return start;
}

/**
 * Plain files: two reused buffers, so the next read runs in libuv's thread
 * pool while this one is parsed; no garbage per chunk. A line cut by a chunk
 * boundary is carried over in a small copy.
 */
async function feedPlain(file: string, reader: LineReader): Promise<void> {
  const handle = await open(file, "r");
  try {
    const first = Buffer.allocUnsafe(CHUNK_BYTES);
    const second = Buffer.allocUnsafe(CHUNK_BYTES);
    let current = first;
    let pending = handle.read(current, 0, CHUNK_BYTES, null);
    let carry: Buffer | null = null;
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) break;
      current = current === first ? second : first;
      pending = handle.read(current, 0, CHUNK_BYTES, null);
      let start = 0;
      if (carry) {
        const newline = buffer.subarray(0, bytesRead).indexOf(10);
        if (newline === -1) {
          carry = Buffer.concat([carry, buffer.subarray(0, bytesRead)]);
          continue;
        }
        const line = Buffer.concat([carry, buffer.subarray(0, newline)]);
        reader.line(line, 0, line.length, false);
        start = newline + 1;
        carry = null;
      }
      const rest = feedLines(reader, buffer, start, bytesRead);
      if (rest < bytesRead) carry = Buffer.from(buffer.subarray(rest, bytesRead));
    }
    await pending;
    if (carry) reader.line(carry, 0, carry.length, true);
  } finally {
    await handle.close();
  }
}

/** Gzip files: zlib's output chunks, with the unfinished line carried over. */
async function feedGzip(file: string, reader: LineReader): Promise<void> {
  const stream = pipeline(
    createReadStream(file, { highWaterMark: CHUNK_BYTES }),
    createGunzip({ chunkSize: CHUNK_BYTES }),
    () => {
      // Errors surface through the iteration below.
    },
  );
  let carry: Buffer | null = null;
  for await (const chunk of stream) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    const rest = feedLines(reader, buf, 0, buf.length);
    carry = rest < buf.length ? Buffer.from(buf.subarray(rest)) : null;
  }
  if (carry) reader.line(carry, 0, carry.length, true);
}

async function feedFile(file: string, sink: K6Accumulator): Promise<void> {
  let gzip: boolean;
  try {
    gzip = await isGzipFile(file);
  } catch (cause) {
    throw new InputError(
      "K6_INPUT_UNREADABLE",
      `${file}: cannot be read (${(cause as Error).message})`,
      { cause },
    );
  }
  const reader = new LineReader(file, sink);
  try {
    await (gzip ? feedGzip(file, reader) : feedPlain(file, reader));
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    const message = (cause as Error).message;
    throw new InputError(
      "K6_NDJSON_INVALID",
      `${file}:${reader.lineNumber + 1}: ${gzip ? `gzip data is corrupt (${message})` : `read failed (${message})`}; the file is damaged or incomplete`,
      { cause },
    );
  }
  if (reader.contentLines === 0) {
    throw new InputError(
      "K6_NDJSON_EMPTY",
      `${file}: no k6 results in it (empty file); did k6 start?`,
    );
  }
  sink.lines += reader.lineNumber;
}

/**
 * Streams k6 `--out json` NDJSON files (plain or gzip, detected by magic
 * bytes) into bounded aggregates. Several files (distributed runners) merge
 * exactly. Bad input is an InputError naming the file and line.
 */
export async function readK6Ndjson(
  files: readonly string[],
  options: ReadK6NdjsonOptions = {},
): Promise<StreamEvidence> {
  const sink = new K6Accumulator(options);
  await feedK6Ndjson(files, sink);
  return sink.finish();
}

/** Streams the files into an accumulator the caller made (one that also slices, say); finish() is the caller's. */
export async function feedK6Ndjson(files: readonly string[], sink: K6Accumulator): Promise<void> {
  for (const file of files) {
    sink.addFile(file);
    await feedFile(file, sink);
  }
}
