import { readFileSync } from "node:fs";
import { ConfigError } from "../errors.js";
import { DEFAULT_SELECTOR_LABELS, type ArgoSelectorLabels } from "../integrations/argo-common.js";
import { parsePrometheusUrl } from "../sources/prometheus/client.js";
import { resolvePrometheusAuth, type PrometheusAuthSettings } from "../sources/prometheus/auth.js";
import { THRESHOLDS_DIR } from "../sources/load-profile.js";
import { checkSliSettings, DEFAULT_PROMETHEUS_SLI_SETTINGS } from "../promql/settings.js";
import { startServe, type RunningServe } from "../serve/server.js";

export interface ServeOptions {
  /** Bind address. Default 127.0.0.1; 0.0.0.0 in a container. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Prometheus base URL: configuration only, never taken from a request. */
  prometheus: string;
  /** Credentials for Prometheus, by reference (env var or file). */
  prometheusAuth?: PrometheusAuthSettings;
  /** Profiles folder root (profiles/<name>.yaml); the project's thresholds/ by default. */
  thresholdsDir?: string;
  /** File holding the bearer token clients must send; no auth without it (or tokenEnv). */
  tokenFile?: string;
  /** Environment variable holding that token. */
  tokenEnv?: string;
  /** Label names the request's service/namespace/canary select on; "none" disables one. */
  serviceLabel?: string;
  namespaceLabel?: string;
  canaryLabel?: string;
  /** Fixed label matchers added to every query, e.g. `job="api"`. */
  selector?: string;
  cpuCores?: number;
  memoryLimitBytes?: number;
  /** Per-request deadline. Default 20 000 ms. */
  timeoutMs?: number;
  /** Analyses at once; more get 503. Default 4. */
  maxConcurrent?: number;
  /** Longest window a request may ask for, seconds. Default 86 400. */
  maxWindowSeconds?: number;
  log?: (entry: Record<string, unknown>) => void;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** Closes the endpoint when it aborts (the CLI aborts it on SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

export interface ServeResult extends RunningServe {
  /** Settles once the endpoint is closed, by close() or the signal. */
  closed: Promise<void>;
}

function readToken(options: ServeOptions): string | undefined {
  if (options.tokenFile !== undefined && options.tokenEnv !== undefined) {
    throw new ConfigError(
      "SERVE_OPTION_INVALID",
      "--token-file and --token-env: give one, not both",
    );
  }
  let token: string | undefined;
  if (options.tokenFile !== undefined) {
    try {
      token = readFileSync(options.tokenFile, "utf8").trim();
    } catch {
      throw new ConfigError(
        "SERVE_TOKEN_MISSING",
        `--token-file ${options.tokenFile}: cannot be read`,
      );
    }
  } else if (options.tokenEnv !== undefined) {
    token = (options.env ?? process.env)[options.tokenEnv]?.trim();
  } else {
    return undefined;
  }
  if (!token || token.length < 16) {
    throw new ConfigError(
      "SERVE_TOKEN_MISSING",
      `${options.tokenFile !== undefined ? `--token-file ${options.tokenFile}` : `--token-env ${options.tokenEnv}`}: the token is empty or shorter than 16 characters`,
    );
  }
  return token;
}

function positive(
  name: string,
  value: number | undefined,
  fallback: number,
  integer = true,
): number {
  const chosen = value ?? fallback;
  if (!(Number.isFinite(chosen) && chosen > 0) || (integer && !Number.isInteger(chosen))) {
    throw new ConfigError(
      "SERVE_OPTION_INVALID",
      `--${name} ${chosen}: a ${integer ? "whole " : ""}number > 0`,
    );
  }
  return chosen;
}

/**
 * Starts the web analysis endpoint Argo's web provider (or anything else)
 * asks for a verdict. Resolves once it listens; stop it with close() or the
 * signal, and await `closed` to know it is down.
 */
export async function serve(options: ServeOptions): Promise<ServeResult> {
  const running = await startConfiguredServe(options);
  const { signal } = options;
  let whenClosed!: (closing: Promise<void>) => void;
  const closed = new Promise<void>((resolve) => (whenClosed = resolve));
  // A failure to close reaches whoever awaits `closed` or close(), not the process.
  closed.catch(() => undefined);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    if (closing === undefined) {
      signal?.removeEventListener("abort", onAbort);
      closing = running.close();
      whenClosed(closing);
    }
    return closing;
  };
  const onAbort = (): void => void close().catch(() => undefined);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  return { url: running.url, close, closed };
}

async function startConfiguredServe(options: ServeOptions): Promise<RunningServe> {
  parsePrometheusUrl(options.prometheus);
  const pick = (value: string | undefined, fallback: string | null) =>
    value === undefined ? fallback : value === "none" ? null : value;
  const labels: ArgoSelectorLabels = {
    service: pick(options.serviceLabel, DEFAULT_SELECTOR_LABELS.service),
    namespace: pick(options.namespaceLabel, DEFAULT_SELECTOR_LABELS.namespace),
    canary: pick(options.canaryLabel, DEFAULT_SELECTOR_LABELS.canary),
  };
  for (const key of ["service", "namespace", "canary"] as const) {
    const name = labels[key];
    if (name !== null && !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) {
      throw new ConfigError(
        "SERVE_OPTION_INVALID",
        `--${key}-label ${JSON.stringify(name)}: not a Prometheus label name`,
      );
    }
  }
  const settings = { ...DEFAULT_PROMETHEUS_SLI_SETTINGS, selector: options.selector ?? "" };
  checkSliSettings(settings);
  const token = readToken(options);
  const auth = resolvePrometheusAuth(
    options.prometheusAuth ?? { kind: "none" },
    options.env ? { env: options.env } : {},
  );
  return startServe({
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 8080,
    connection: { url: options.prometheus, auth },
    thresholdsDir: options.thresholdsDir ?? THRESHOLDS_DIR,
    labels,
    settings,
    ...(options.cpuCores !== undefined
      ? { cpuCores: positive("cpu-cores", options.cpuCores, 1, false) }
      : {}),
    ...(options.memoryLimitBytes !== undefined
      ? { memoryLimitBytes: positive("memory-limit-bytes", options.memoryLimitBytes, 1) }
      : {}),
    ...(token !== undefined ? { token } : {}),
    requestTimeoutMs: positive("timeout-ms", options.timeoutMs, 20_000),
    maxConcurrent: positive("max-concurrent", options.maxConcurrent, 4),
    minWindowSeconds: 2,
    maxWindowSeconds: positive("max-window-seconds", options.maxWindowSeconds, 86_400),
    log: options.log ?? ((entry) => process.stdout.write(`${JSON.stringify(entry)}\n`)),
    now: options.now ?? Date.now,
  });
}
