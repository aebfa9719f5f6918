import { redactText } from "../redact.js";

/** Longest stretch held back waiting for a line end; past it the text is passed on anyway. */
const MAX_PENDING_CHARS = 64 * 1024;

/** The longest k6 error line quoted in a one-line message. */
const MAX_ERROR_CHARS = 300;

export interface RedactingLines {
  /** Takes output as it comes; passes on every completed line, redacted. */
  push(chunk: string): void;
  /** Passes on what is left (a last line without its end). */
  flush(): void;
}

/**
 * Redacts k6's console output line by line before anyone sees it: a chunk
 * may end inside a URL or a header, so text is held until its line ends
 * (`\n`, or `\r` for progress lines that redraw themselves).
 */
export function createRedactingLines(emit: (text: string) => void): RedactingLines {
  let pending = "";
  return {
    push(chunk) {
      pending += chunk;
      const end = Math.max(pending.lastIndexOf("\n"), pending.lastIndexOf("\r"));
      if (end >= 0) {
        emit(redactText(pending.slice(0, end + 1)));
        pending = pending.slice(end + 1);
      } else if (pending.length > MAX_PENDING_CHARS) {
        emit(redactText(pending));
        pending = "";
      }
    },
    flush() {
      if (pending.length > 0) emit(redactText(pending));
      pending = "";
    },
  };
}

// k6 logs in logfmt: `time="…" level=error msg="…" hint="…"`.
const LEVEL_ERROR = /(?:^|\s)level=(?:error|fatal)(?:\s|$)/;
const MSG_FIELD = /(?:^|\s)msg=(?:"((?:[^"\\]|\\.)*)"|(\S+))/;

/**
 * The message of one k6 `level=error` log line, its first line only (k6
 * appends a stack trace after `\n`), unescaped and capped; null for any other line.
 */
export function readK6ErrorMessage(line: string): string | null {
  if (!LEVEL_ERROR.test(line)) return null;
  const match = MSG_FIELD.exec(line);
  const raw = match?.[1] ?? match?.[2];
  if (raw === undefined) return null;
  const text = raw
    .replace(/\\(.)/g, (_escape, char: string) =>
      char === "n" ? "\n" : char === "t" ? "\t" : char,
    )
    .split("\n")[0]
    ?.trim();
  if (!text) return null;
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}
