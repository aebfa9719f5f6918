/** What a test needs from a response: status, headers and the parsed body. */
export interface CallResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * One request to a target on loopback. A string body is sent as is (to test
 * malformed JSON); anything else is JSON-encoded.
 */
export async function call<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<CallResult<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  const response = await fetch(baseUrl + path, init);
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get("content-type") ?? "").includes("json") && text !== "") {
    parsed = JSON.parse(text);
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

export interface ListBody<T> {
  data: T[];
  page: { limit: number; offset?: number; nextCursor?: string; total: number };
}

export interface UserBody {
  id: number;
  name: string;
  email: string;
  role: string;
  createdAt: string;
  updatedAt: string;
}
