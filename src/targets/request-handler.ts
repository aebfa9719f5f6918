import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import FindMyWay from "find-my-way";
import type { FaultInjector } from "./faults/injector.js";
import { UNMATCHED_ENDPOINT, type EndpointMetrics, type ServiceMetrics } from "./metrics.js";
import type { RateLimiter } from "./rate-limiter.js";
import {
  HttpProblem,
  replyError,
  type QueryValue,
  type Reply,
  type RouteDefinition,
} from "./reply.js";

/** Bodies above this are refused with 413: nothing in the API needs more. */
const MAX_BODY_BYTES = 1024 * 1024;

interface RouteEntry {
  definition: RouteDefinition;
  metrics: EndpointMetrics;
  readsBody: boolean;
}

export interface RequestHandlerOptions {
  routes: readonly RouteDefinition[];
  metrics: ServiceMetrics;
  faults: FaultInjector;
  /** null: no rate limiting. */
  rateLimiter: RateLimiter | null;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Routes a request, applies the gateway concerns (per-user rate limit, then
 * injected faults) to API routes, runs the handler and records the outcome
 * under the route template. Requests without X-User-Id are never limited, so
 * a plain load test measures the service rather than the limiter.
 */
export function createRequestHandler(options: RequestHandlerOptions): RequestHandler {
  const { metrics, faults, rateLimiter } = options;
  const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 200 });
  for (const definition of options.routes) {
    const entry: RouteEntry = {
      definition,
      metrics: metrics.forEndpoint(definition.template),
      readsBody: definition.method !== "GET" && definition.method !== "DELETE",
    };
    router.on(definition.method, definition.template, () => undefined, entry);
  }
  const unmatched = metrics.forEndpoint(UNMATCHED_ENDPOINT);
  const notFound = replyError(404, "no such route");

  return (req, res) => {
    const startMs = performance.now();
    const method = req.method ?? "GET";
    const found = router.find(method as FindMyWay.HTTPMethod, req.url ?? "/");
    if (found === null) {
      send(res, notFound, unmatched, method, startMs);
      return;
    }
    const entry = found.store as RouteEntry;
    if (rateLimiter !== null && entry.definition.api) {
      const userId = readUserId(req.rawHeaders);
      if (userId !== undefined && userId !== "") {
        const retryAfterSeconds = rateLimiter.take(userId);
        if (retryAfterSeconds > 0) {
          const reply = replyError(429, "rate limit exceeded for this X-User-Id");
          if (reply.kind === "json") reply.headers = { "retry-after": String(retryAfterSeconds) };
          send(res, reply, entry.metrics, method, startMs);
          return;
        }
      }
    }
    void run(entry, req, res, found.params, found.searchParams, startMs, faults);
  };
}

async function run(
  entry: RouteEntry,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string | undefined>,
  query: Record<string, QueryValue>,
  startMs: number,
  faults: FaultInjector,
): Promise<void> {
  const method = req.method ?? "GET";
  let reply: Reply;
  try {
    const faultStatus =
      faults.active && entry.definition.api ? await faults.apply(entry.definition.template) : 0;
    if (faultStatus !== 0) {
      reply = replyError(faultStatus, "injected fault");
    } else {
      const body = entry.readsBody ? await readJsonBody(req) : undefined;
      reply = await entry.definition.handler({ params, query, body });
    }
  } catch (error) {
    reply =
      error instanceof HttpProblem
        ? replyError(error.status, error.message, error.field)
        : replyError(500, "internal error");
  }
  send(res, reply, entry.metrics, method, startMs);
}

function send(
  res: ServerResponse,
  reply: Reply,
  metrics: EndpointMetrics,
  method: string,
  startMs: number,
): void {
  if (!res.destroyed && !res.headersSent) {
    switch (reply.kind) {
      case "json": {
        const payload = JSON.stringify(reply.body);
        const headers: Record<string, string | number> = {
          "content-type": "application/json; charset=utf-8",
          "content-length": Buffer.byteLength(payload),
        };
        if (reply.headers !== undefined) Object.assign(headers, reply.headers);
        res.writeHead(reply.status, headers);
        res.end(payload);
        break;
      }
      case "text":
        res.writeHead(reply.status, {
          "content-type": reply.contentType,
          "content-length": Buffer.byteLength(reply.text),
        });
        res.end(reply.text);
        break;
      case "empty":
        res.writeHead(reply.status);
        res.end();
        break;
    }
  }
  metrics.record(method, reply.status, (performance.now() - startMs) / 1000);
}

/**
 * X-User-Id straight from rawHeaders: reading req.headers would build the
 * whole header object on every request just to look at one name.
 */
function readUserId(rawHeaders: string[]): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name !== undefined && name.length === 9 && name.toLowerCase() === "x-user-id") {
      return rawHeaders[i + 1];
    }
  }
  return undefined;
}

function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        req.removeAllListeners("end");
        reject(new HttpProblem(413, `request body above ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      if (text.trim() === "") {
        reject(new HttpProblem(400, "request body must be JSON"));
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        reject(new HttpProblem(400, `malformed JSON body: ${why}`));
      }
    });
    req.on("error", reject);
  });
}
