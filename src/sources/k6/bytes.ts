/** Byte helpers for the NDJSON fast path: numbers and interned strings straight from a Buffer. */

const POW10 = Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);
const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/**
 * Parses the JSON number in buf[start, end), or NaN. Plain decimals whose
 * digits fit in 2^53 with at most 22 fraction digits are computed as
 * mantissa / 10^k: both operands are exact doubles and IEEE division rounds
 * correctly, so the result equals JSON.parse's. Anything else (exponents,
 * long mantissas) goes through Number().
 */
export function parseNumberBytes(buf: Buffer, start: number, end: number): number {
  let position = start;
  const negative = buf[position] === 45;
  if (negative) position++;
  let mantissa = 0;
  let scale = 0;
  const digitsStart = position;
  let code = buf[position] ?? 0;
  while (code >= 48 && code <= 57 && position < end) {
    mantissa = mantissa * 10 + (code - 48);
    position++;
    code = buf[position] ?? 0;
  }
  if (position === digitsStart) return Number.NaN;
  if (code === 46 && position < end) {
    position++;
    const fractionStart = position;
    code = buf[position] ?? 0;
    while (code >= 48 && code <= 57 && position < end) {
      mantissa = mantissa * 10 + (code - 48);
      scale++;
      position++;
      code = buf[position] ?? 0;
    }
    if (position === fractionStart) return Number.NaN;
  }
  if (position !== end || mantissa > MAX_EXACT || scale > 22) {
    const text = buf.toString("latin1", start, end);
    return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
  }
  const value = scale === 0 ? mantissa : mantissa / (POW10[scale] ?? 1);
  return negative ? -value : value;
}

interface Interned {
  bytes: Buffer;
  text: string;
  next: Interned | null;
}

/**
 * Turns byte ranges into strings, returning the same string object for the
 * same bytes (tag values repeat millions of times; V8 caches a string's hash,
 * so map lookups on interned strings stay cheap). Stops caching past
 * `maxEntries` distinct values to stay bounded.
 */
export class ByteInterner {
  private readonly table = new Map<number, Interned>();
  private size = 0;

  constructor(private readonly maxEntries = 4096) {}

  /** The string for buf[start, end) whose FNV-1a hash is `hash`. */
  intern(buf: Buffer, start: number, end: number, hash: number): string {
    const length = end - start;
    let entry = this.table.get(hash) ?? null;
    const head = entry;
    while (entry) {
      const bytes = entry.bytes;
      if (bytes.length === length) {
        let same = true;
        for (let i = 0; i < length; i++) {
          if (bytes[i] !== buf[start + i]) {
            same = false;
            break;
          }
        }
        if (same) return entry.text;
      }
      entry = entry.next;
    }
    const text = buf.toString("utf8", start, end);
    if (this.size < this.maxEntries) {
      this.size++;
      this.table.set(hash, { bytes: Buffer.from(buf.subarray(start, end)), text, next: head });
    }
    return text;
  }
}

export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;
