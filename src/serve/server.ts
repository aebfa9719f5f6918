import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import FindMyWay from "find-my-way";
import { ToolError } from "../errors.js";
import type { ArgoSelectorLabels } from "../integrations/argo-common.js";
import { buildEqualityMatcher, joinMatchers } from "../promql/selectors.js";
import { queryInstant, type PrometheusConnection } from "../sources/prometheus/client.js";
import type { PrometheusSliSettings } from "../promql/settings.js";
import { loadProfile } from "../sources/load-profile.js";
import { applyProfileSeries } from "../promql/settings.js";
import { parseAnalysisParams, RequestError } from "./params.js";
import { evaluatePrometheusWindow } from "./prometheus-verdict.js";

export interface ServeConfig {
  host: string;
  port: number;
  connection: PrometheusConnection;
  /** Where `profiles/<name>.yaml` and tiers.yaml live. */
  thresholdsDir: string;
  labels: ArgoSelectorLabels;
  /** Base SLI settings; `selector` holds fixed matchers (e.g. job="api") added to the request's. */
  settings: PrometheusSliSettings;
  cpuCores?: number;
  memoryLimitBytes?: number;
  /** When set, /v1/* requires `Authorization: Bearer <token>`. */
  token?: string;
  requestTimeoutMs: number;
  maxConcurrent: number;
  minWindowSeconds: number;
  maxWindowSeconds: number;
  /** One JSON object per line; stdout by default. */
  log: (entry: Record<string, unknown>) => void;
  now: () => number;
}

export interface RunningServe {
  url: string;
  close(): Promise<void>;
}

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string | undefined>,
) => Promise<void>;

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...headers,
  });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

/** Per-request facts the access log adds (profile, verdict). */
const logFields = new WeakMap<ServerResponse, Record<string, unknown>>();

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Constant-time: comparing hashes hides both the token's content and its length. */
function checkBearer(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([^\s]+)$/.exec(header ?? "");
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), digest(token));
}

/**
 * Starts `slogate serve`: GET /v1/analysis/<profile>?window=5m&service=… →
 * the verdict JSON; /healthz (alive) and /readyz (Prometheus answers).
 * Every answer is JSON (Argo's web provider counts a non-JSON 200 as
 * success). The Prometheus URL, the profiles folder and the label names are
 * configuration; a request only picks a profile by name, a window and label
 * values, all strictly validated. Bounded concurrency (503 beyond), a
 * per-request deadline (504), structured logs without headers or tokens.
 */
export async function startServe(config: ServeConfig): Promise<RunningServe> {
  let active = 0;
  const router = FindMyWay({
    ignoreTrailingSlash: true,
    defaultRoute: (_req, res) =>
      sendError(res, 404, "NOT_FOUND", "no such route; try GET /v1/analysis/<profile>?window=5m"),
  });
  const route = (path: string, handler: Handler, guarded: boolean) => {
    router.on("GET", path, (req, res, params) => {
      const started = performance.now();
      const finish = (status: number, extra: Record<string, unknown> = {}) =>
        config.log({
          time: new Date(config.now()).toISOString(),
          level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
          msg: "request",
          method: req.method,
          route: path,
          status,
          durationMs: Math.round(performance.now() - started),
          ...extra,
        });
      if (
        guarded &&
        config.token !== undefined &&
        !checkBearer(req.headers.authorization, config.token)
      ) {
        sendError(res, 401, "UNAUTHORIZED", "a valid bearer token is required", {
          "www-authenticate": "Bearer",
        });
        finish(401);
        return;
      }
      if (guarded && active >= config.maxConcurrent) {
        sendError(res, 503, "BUSY", `more than ${config.maxConcurrent} analyses at once; retry`, {
          "retry-after": "1",
        });
        finish(503);
        return;
      }
      if (guarded) active++;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), config.requestTimeoutMs);
      });
      const work = handler(req, res, params as Record<string, string | undefined>).then(
        () => "done" as const,
      );
      void Promise.race([work, deadline])
        .then((outcome) => {
          if (outcome === "timeout") {
            sendError(res, 504, "TIMEOUT", `no verdict within ${config.requestTimeoutMs} ms`);
          }
        })
        .catch((error: unknown) => {
          if (error instanceof RequestError)
            sendError(res, error.status, error.code, error.message);
          else if (error instanceof ToolError && error.code === "PROFILE_NOT_FOUND") {
            sendError(res, 404, error.code, "no such profile");
          } else if (error instanceof ToolError) sendError(res, 500, error.code, error.message);
          else sendError(res, 500, "INTERNAL", "internal error");
          if (!(error instanceof RequestError)) {
            config.log({
              time: new Date(config.now()).toISOString(),
              level: "error",
              msg: "handler failed",
              route: path,
              error: error instanceof Error ? error.message : String(error),
            });
          }
        })
        .finally(() => {
          clearTimeout(timer);
          // The work may outlive a timeout; the slot frees when it really ends.
          void work
            .catch(() => undefined)
            .finally(() => {
              if (guarded) active--;
            });
          finish(res.statusCode, logFields.get(res) ?? {});
        });
    });
  };

  route("/healthz", (_req, res) => Promise.resolve(sendJson(res, 200, { status: "ok" })), false);
  route(
    "/readyz",
    async (_req, res) => {
      const outcome = await queryInstant(
        { ...config.connection, timeoutMs: 2_000 },
        "vector(1)",
        config.now(),
      );
      if (outcome.kind === "ok") sendJson(res, 200, { status: "ready" });
      else sendJson(res, 503, { status: "not ready", reason: `Prometheus: ${outcome.errorType}` });
    },
    false,
  );
  route(
    "/v1/analysis/:profile",
    async (req, res, params) => {
      const url = new URL(req.url ?? "/", "http://serve.invalid");
      const parsed = parseAnalysisParams(params.profile ?? "", url.searchParams, config.labels, {
        minWindowSeconds: config.minWindowSeconds,
        maxWindowSeconds: config.maxWindowSeconds,
      });
      // By name only, from the configured folder (the name cannot hold a slash or .yaml).
      const { profile } = loadProfile(parsed.profile, { thresholdsDir: config.thresholdsDir });
      const extra = Object.entries(parsed.matchers).map(([label, value]) =>
        buildEqualityMatcher(label, value),
      );
      // The profile's metric and label names; serve's own --selector beats the profile's.
      const settings = applyProfileSeries(config.settings, profile.prometheus);
      const fixed = config.settings.selector.trim() || settings.selector.trim();
      const selector = joinMatchers([fixed, ...extra]);
      const toMs = config.now();
      const verdict = await evaluatePrometheusWindow({
        profile,
        connection: {
          ...config.connection,
          timeoutMs: Math.max(1_000, config.requestTimeoutMs - 500),
        },
        settings: { ...settings, selector },
        methodLabel: settings.labels.method,
        fromMs: toMs - parsed.windowSeconds * 1000,
        toMs,
        ...(parsed.requiredTier ? { requiredTier: parsed.requiredTier } : {}),
        ...(config.cpuCores !== undefined ? { cpuCores: config.cpuCores } : {}),
        ...(config.memoryLimitBytes !== undefined
          ? { memoryLimitBytes: config.memoryLimitBytes }
          : {}),
      });
      logFields.set(res, {
        profile: profile.name,
        verdict: verdict.verdict,
        windowSeconds: parsed.windowSeconds,
      });
      sendJson(res, 200, verdict);
    },
    true,
  );

  const server = createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendError(res, 405, "METHOD_NOT_ALLOWED", "only GET", { allow: "GET" });
      return;
    }
    router.lookup(req, res);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = config.requestTimeoutMs + 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  config.log({ time: new Date(config.now()).toISOString(), level: "info", msg: "listening", url });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
