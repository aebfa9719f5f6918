/** The digit at buf[i], or -1. */
function digitAt(buf: Uint8Array, i: number): number {
  const digit = (buf[i] ?? 0) - 48;
  return digit >= 0 && digit <= 9 ? digit : -1;
}

function twoDigits(buf: Uint8Array, i: number): number {
  const high = digitAt(buf, i);
  const low = digitAt(buf, i + 1);
  return high < 0 || low < 0 ? -1 : high * 10 + low;
}

/**
 * Parses k6's RFC 3339 timestamps (`2026-11-22T02:07:53.808435555Z`, or with
 * a `+hh:mm` offset) straight from bytes to Unix ms with sub-ms precision.
 * k6 writes hundreds of thousands of points per second of test: only the
 * calendar day goes through Date.UTC (cached), the rest is digit arithmetic.
 */
export class K6TimeParser {
  private dayKey = -1;
  private dayMs = 0;

  /** Unix ms of the timestamp in buf[start, end), or NaN when it is not RFC 3339. */
  parse(buf: Uint8Array, start: number, end: number): number {
    if (end - start < 20) return Number.NaN;
    if (
      buf[start + 4] !== 45 ||
      buf[start + 7] !== 45 ||
      (buf[start + 10] !== 84 && buf[start + 10] !== 116)
    ) {
      return Number.NaN;
    }
    if (buf[start + 13] !== 58 || buf[start + 16] !== 58) return Number.NaN;
    const century = twoDigits(buf, start);
    const yearLow = twoDigits(buf, start + 2);
    const month = twoDigits(buf, start + 5);
    const day = twoDigits(buf, start + 8);
    const hours = twoDigits(buf, start + 11);
    const minutes = twoDigits(buf, start + 14);
    const seconds = twoDigits(buf, start + 17);
    if (century < 0 || yearLow < 0 || month < 1 || month > 12 || day < 1 || day > 31)
      return Number.NaN;
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 60)
      return Number.NaN;
    let position = start + 19;
    let fractionMs = 0;
    if (buf[position] === 46 /* . */) {
      position++;
      // Digits as one integer, then a single division: exact to the float's precision.
      let fraction = 0;
      let digits = 0;
      const digitsStart = position;
      let digit = digitAt(buf, position);
      while (digit >= 0 && position < end) {
        if (digits < 15) {
          fraction = fraction * 10 + digit;
          digits++;
        }
        position++;
        digit = digitAt(buf, position);
      }
      if (position === digitsStart) return Number.NaN;
      fractionMs = (fraction * 1000) / 10 ** digits;
    }
    let offsetMinutes = 0;
    const zone = buf[position];
    if (zone === 90 /* Z */ || zone === 122 /* z */) {
      if (position + 1 !== end) return Number.NaN;
    } else if ((zone === 43 || zone === 45) && position + 6 === end && buf[position + 3] === 58) {
      const offsetHours = twoDigits(buf, position + 1);
      const offsetMins = twoDigits(buf, position + 4);
      if (offsetHours < 0 || offsetMins < 0) return Number.NaN;
      offsetMinutes = (offsetHours * 60 + offsetMins) * (zone === 45 ? -1 : 1);
    } else {
      return Number.NaN;
    }
    const dayKey = ((century * 100 + yearLow) * 100 + month) * 100 + day;
    if (dayKey !== this.dayKey) {
      this.dayKey = dayKey;
      this.dayMs = Date.UTC(century * 100 + yearLow, month - 1, day);
    }
    return (
      this.dayMs +
      hours * 3_600_000 +
      minutes * 60_000 +
      seconds * 1000 +
      fractionMs -
      offsetMinutes * 60_000
    );
  }
}
