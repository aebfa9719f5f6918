/**
 * One way to call the service: JSON headers, the route template as the
 * `name` tag (so per-route metrics stay few and match the service's own
 * endpoint labels), and optional X-User-Id for the per-user rate limit.
 */
import http from "k6/http";
import type { ObjectBatchRequest, Params, Response, ResponseType } from "k6/http";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface CallOptions {
  /** The route template, e.g. "/api/v1/users/:id"; becomes the `name` tag. */
  route: string;
  /** Sent JSON-encoded. */
  json?: unknown;
  /** Sent as-is with a JSON content type, for malformed-body probes. */
  rawBody?: string;
  /** X-User-Id: the identity the gateway rate-limits by. */
  userId?: string;
  /**
   * Statuses that are the expected answer here (e.g. 404 after a delete), so
   * http_req_failed counts only real failures. k6's default is 200–399.
   */
  expectedStatuses?: number[];
  tags?: Record<string, string>;
  /**
   * k6's responseType for this request: "text" keeps the body where the
   * options say `discardResponseBodies: true`, "none" drops it where they don't.
   */
  responseType?: ResponseType;
}

/** The request as an http.batch entry; `call` sends the same thing alone. */
export function describeCall(
  baseUrl: string,
  method: Method,
  path: string,
  options: CallOptions,
): ObjectBatchRequest & { url: string; body: string | null; params: Params } {
  const headers: Record<string, string> = { Accept: "application/json" };
  let body: string | null = null;
  if (options.rawBody !== undefined || options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = options.rawBody ?? JSON.stringify(options.json);
  }
  if (options.userId !== undefined) headers["X-User-Id"] = options.userId;
  const params: Params = { headers, tags: { ...options.tags, name: options.route } };
  if (options.expectedStatuses !== undefined) {
    params.responseCallback = http.expectedStatuses(...options.expectedStatuses);
  }
  if (options.responseType !== undefined) params.responseType = options.responseType;
  return { method, url: `${baseUrl}${path}`, body, params };
}

/**
 * Sends one request: `baseUrl + path`, JSON headers, and `options.route` (the
 * route template, e.g. "/api/v1/users/:id") as the `name` tag, so requests to
 * /api/v1/users/17 and /api/v1/users/42 count as one route in the results.
 * @example call(baseUrl, "GET", `/api/v1/users/${id}`, { route: "/api/v1/users/:id" })
 */
export function call(
  baseUrl: string,
  method: Method,
  path: string,
  options: CallOptions,
): Response {
  const request = describeCall(baseUrl, method, path, options);
  return http.request(request.method, request.url, request.body, request.params);
}

/**
 * `params` with the route template as the `name` tag, for k6's own http
 * functions: `http.get(url, tagRoute("/orders/:id"))`. Requests with ids in
 * their URL then group into one route in the results.
 */
export function tagRoute(route: string, params: Params = {}): Params {
  return { ...params, tags: { ...params.tags, name: route } };
}

/** The parsed JSON body, or undefined when there is none or it is not JSON. */
export function readJson(response: Response): unknown {
  if (typeof response.body !== "string" || response.body === "") return undefined;
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value[key]` when it is a non-empty string. */
export function readStringField(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === "string" && field !== "" ? field : undefined;
}

/** `value[key]` when it is an id: a non-empty string or a number. */
export function readIdField(value: unknown, key: string): string | number | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  if (typeof field === "number" && Number.isFinite(field)) return field;
  return typeof field === "string" && field !== "" ? field : undefined;
}

/** The `data` array of a list response, or undefined when the body is not one. */
export function readListData(value: unknown): unknown[] | undefined {
  if (!isRecord(value) || !Array.isArray(value.data)) return undefined;
  return value.data as unknown[];
}

/** A header's value whatever case the server used; undefined when absent. */
export function readHeader(response: Response, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(response.headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
