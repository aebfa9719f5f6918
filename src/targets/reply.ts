/** What a route handler answers; the server turns it into bytes and metrics. */
export type Reply =
  | { kind: "json"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "text"; status: number; text: string; contentType: string }
  | { kind: "empty"; status: number };

/**
 * A client error raised anywhere in a handler; the server answers
 * `{ error, field? }` with its status. Thrown rather than returned so that
 * validation helpers stay one-liners at the call site.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export function replyJson(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers === undefined
    ? { kind: "json", status, body }
    : { kind: "json", status, body, headers };
}

export function replyError(status: number, message: string, field?: string): Reply {
  return {
    kind: "json",
    status,
    body: field === undefined ? { error: message } : { error: message, field },
  };
}

export type QueryValue = string | string[] | undefined;

/** Inputs a handler gets: path params, parsed query and (for POST/PUT/PATCH) the JSON body. */
export interface RouteInput {
  params: Record<string, string | undefined>;
  query: Record<string, QueryValue>;
  body: unknown;
}

export type RouteHandler = (input: RouteInput) => Reply | Promise<Reply>;

export type RouteMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteDefinition {
  method: RouteMethod;
  /** find-my-way template, also the `endpoint` metric label and the k6 `name` tag. */
  template: string;
  handler: RouteHandler;
  /** API routes are rate limited and subject to faults; health and metrics are not. */
  api: boolean;
}
