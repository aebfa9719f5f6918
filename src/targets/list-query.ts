import type { ListResult, PageStart, SortOrder } from "./storage/storage.js";
import { HttpProblem, type QueryValue } from "./reply.js";

export const MAX_PAGE_LIMIT = 100;
export const DEFAULT_PAGE_LIMIT = 20;

/** One query parameter as a single string; repeating it is a client error. */
export function readParam(query: Record<string, QueryValue>, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new HttpProblem(400, `query parameter ${name} is repeated`, name);
  return value;
}

export interface PageRequest {
  limit: number;
  start: PageStart;
}

interface CursorBody {
  s: string;
  v: string | number;
  id: number;
}

/**
 * Reads limit and either offset or cursor. A cursor remembers the sort it was
 * made for (`sortToken`): following it under another sort would skip or
 * repeat rows, so that is refused.
 */
export function readPageRequest(query: Record<string, QueryValue>, sortToken: string): PageRequest {
  const limitText = readParam(query, "limit");
  const offsetText = readParam(query, "offset");
  const cursorText = readParam(query, "cursor");
  const limit = limitText === undefined ? DEFAULT_PAGE_LIMIT : readInteger(limitText, "limit");
  if (limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new HttpProblem(400, `limit must be from 1 to ${MAX_PAGE_LIMIT}`, "limit");
  }
  if (cursorText !== undefined) {
    if (offsetText !== undefined)
      throw new HttpProblem(400, "use offset or cursor, not both", "cursor");
    return { limit, start: { kind: "after", key: decodeCursor(cursorText, sortToken) } };
  }
  const offset = offsetText === undefined ? 0 : readInteger(offsetText, "offset");
  return { limit, start: { kind: "offset", offset } };
}

function readInteger(text: string, name: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new HttpProblem(400, `${name} must be a whole number`, name);
  return Number(text);
}

export function encodeCursor(sortToken: string, value: string | number, id: number): string {
  const body: CursorBody = { s: sortToken, v: value, id };
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

function decodeCursor(text: string, sortToken: string): { value: string | number; id: number } {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw new HttpProblem(400, "cursor is not one this API returned", "cursor");
  }
  const { s, v, id } = (body ?? {}) as Partial<CursorBody>;
  if (
    typeof s !== "string" ||
    (typeof v !== "string" && typeof v !== "number") ||
    typeof id !== "number"
  ) {
    throw new HttpProblem(400, "cursor is not one this API returned", "cursor");
  }
  if (s !== sortToken) {
    throw new HttpProblem(
      400,
      `cursor was made for sort=${s}; repeat that sort to follow it`,
      "cursor",
    );
  }
  return { value: v, id };
}

/** `{data, page}` with `offset` in offset mode and `nextCursor` whenever rows follow. */
export function formatPage<T extends { id: number }>(
  result: ListResult<T>,
  request: PageRequest,
  sort: SortOrder<string> & { token: string },
  valueOf: (row: T) => string | number,
): { data: T[]; page: Record<string, unknown> } {
  const page: Record<string, unknown> = { limit: request.limit };
  if (request.start.kind === "offset") page.offset = request.start.offset;
  const last = result.items[result.items.length - 1];
  if (result.hasMore && last !== undefined) {
    page.nextCursor = encodeCursor(sort.token, valueOf(last), last.id);
  }
  page.total = result.total;
  return { data: result.items, page };
}
