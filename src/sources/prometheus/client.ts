import { PrometheusDriver } from "prometheus-query";
import type { AxiosResponse, InternalAxiosRequestConfig } from "axios";
import { isLoopbackHost, parseHttpUrl } from "../../url.js";
import { formatAuthorization, type PrometheusAuth } from "./auth.js";
import {
  oneLine,
  parseQueryBody,
  type ParseOptions,
  type PromQueryBody,
  type PromQueryOutcome,
} from "./response.js";

export type { NativeHistogramSample, PromQueryOutcome, PromSeries } from "./response.js";

export interface PrometheusConnection {
  /** Base URL, e.g. `http://127.0.0.1:9090` (a path prefix such as `/prometheus` is kept). */
  url: string;
  auth?: PrometheusAuth;
  /** Extra headers sent with every query (tenant IDs, proxies). */
  headers?: Readonly<Record<string, string>>;
  /** Wall-clock limit per query, client side; also sent as Prometheus' `timeout`. Default 10 000. */
  timeoutMs?: number;
}

/** Checks the URL once, so a typo is a config error instead of N failed queries. */
export function parsePrometheusUrl(url: string): URL {
  return parseHttpUrl(url, {
    what: "--prometheus",
    code: "PROMETHEUS_URL_INVALID",
    example: "http://127.0.0.1:9090",
  });
}

/**
 * Runs one instant query at `timeMs`. Never throws for what Prometheus or the
 * network does: every failure comes back as `kind: "error"` with a reason,
 * so a caller cannot mistake a failed query for an empty one.
 */
export async function queryInstant(
  connection: PrometheusConnection,
  promql: string,
  timeMs: number,
  parse: ParseOptions = {},
): Promise<PromQueryOutcome> {
  const url = parsePrometheusUrl(connection.url);
  const timeoutMs = connection.timeoutMs ?? 10_000;
  const controller = new AbortController();
  let timedOut = false;
  // axios' own timeout is a socket-idle timeout; a server that trickles bytes
  // would slip past it, so the whole exchange is bounded here.
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  let raw: unknown;
  let httpStatus: number | undefined;
  const headers: Record<string, string> = { ...connection.headers };
  const authorization = formatAuthorization(connection.auth ?? { kind: "none" });
  if (authorization !== undefined) headers.Authorization = authorization;
  const driver = new PrometheusDriver({
    endpoint: url.origin + url.pathname.replace(/\/$/, ""),
    headers,
    timeout: timeoutMs,
    requestInterceptor: {
      onFulfilled: (config: InternalAxiosRequestConfig) => {
        config.signal = controller.signal;
        // Loopback never goes through an HTTP(S)_PROXY from the environment.
        if (isLoopbackHost(url.hostname)) config.proxy = false;
        return config;
      },
    },
    responseInterceptor: {
      onFulfilled: (response: AxiosResponse) => {
        raw = response.data;
        return response;
      },
      onRejected: (error: unknown) => {
        const status = (error as { response?: { status?: unknown } }).response?.status;
        if (typeof status === "number") httpStatus = status;
        throw error;
      },
    },
  });
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const finish = (body: PromQueryBody): PromQueryOutcome =>
    body.kind === "error"
      ? { ...body, message: scrubSecrets(body.message, connection), elapsedMs: elapsed() }
      : {
          ...body,
          warnings: body.warnings.map((w) => scrubSecrets(w, connection)),
          elapsedMs: elapsed(),
        };
  try {
    // Prometheus' own evaluation timeout, a little under ours so its answer arrives.
    const serverTimeout = `${Math.max(1, Math.floor((timeoutMs * 0.9) / 1000))}s`;
    await driver.instantQuery(promql, timeMs, serverTimeout);
  } catch (error: unknown) {
    clearTimeout(timer);
    // A 2xx body reached us but the driver could not read it (e.g. `status:
    // "error"` behind a proxy that answers 200): judge the body itself.
    if (raw !== undefined) return finish(parseQueryBody(raw, parse));
    if (timedOut) {
      return {
        kind: "error",
        errorType: "timeout",
        message: `no answer within ${timeoutMs} ms`,
        elapsedMs: elapsed(),
      };
    }
    const failure = describeFailure(error, httpStatus);
    return { ...failure, message: scrubSecrets(failure.message, connection), elapsedMs: elapsed() };
  }
  clearTimeout(timer);
  return finish(parseQueryBody(raw, parse));
}

/**
 * Removes the credentials this connection sends from a message: a server or
 * proxy may echo the Authorization header in its error text.
 */
function scrubSecrets(message: string, connection: PrometheusConnection): string {
  const auth = connection.auth ?? { kind: "none" };
  const secrets = [formatAuthorization(auth)?.replace(/^\S+\s+/, "")];
  if (auth.kind === "basic") secrets.push(auth.password);
  if (auth.kind === "bearer") secrets.push(auth.token);
  let scrubbed = message;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) scrubbed = scrubbed.split(secret).join("***");
  }
  return scrubbed;
}

interface DriverFailure {
  errorType?: unknown;
  error?: unknown;
  httpStatus?: unknown;
  prometheus?: { errorType?: unknown; error?: unknown };
}

function describeFailure(
  error: unknown,
  seenStatus: number | undefined,
): {
  kind: "error";
  errorType: string;
  httpStatus?: number;
  message: string;
} {
  const failure = (typeof error === "object" && error !== null ? error : {}) as DriverFailure;
  const httpStatus = typeof failure.httpStatus === "number" ? failure.httpStatus : undefined;
  const promType = failure.prometheus?.errorType;
  const promError = failure.prometheus?.error ?? failure.error;
  const detail = oneLine(typeof promError === "string" ? promError : String(error));
  if (httpStatus !== undefined) {
    const errorType = typeof promType === "string" ? promType : "http";
    return {
      kind: "error",
      errorType,
      httpStatus,
      message: `HTTP ${httpStatus}${typeof promType === "string" ? ` ${promType}` : ""}: ${detail}`,
    };
  }
  const driverType = typeof failure.errorType === "string" ? failure.errorType : "unknown";
  const errorType =
    driverType === "network_error"
      ? "network"
      : driverType === "client_error"
        ? "malformed"
        : driverType;
  if (errorType === "malformed") {
    const message = "the answer is not a Prometheus API response";
    return seenStatus === undefined
      ? { kind: "error", errorType, message }
      : {
          kind: "error",
          errorType: "http",
          httpStatus: seenStatus,
          message: `HTTP ${seenStatus}: ${message}`,
        };
  }
  return { kind: "error", errorType, message: detail };
}
