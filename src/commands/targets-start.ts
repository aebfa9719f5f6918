import { TargetError } from "../errors.js";
import { signalNameOf } from "../k6/run-k6.js";
import { openSidecars } from "../stack/sidecars.js";
import { formatFaultSpec } from "../targets/faults/spec.js";
import { startTargets, type RunningTargets } from "../targets/start-targets.js";
import type { TargetStorage } from "../targets/storage/storage.js";

/** Flags of `slogate targets start`; numbers may arrive as the strings commander parsed. */
export interface TargetsStartOptions {
  /** Default 8080; 0 = any free port. */
  port?: number | string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8081; 0 = any free port. Always bound to 127.0.0.1. */
  adminPort?: number | string;
  /** Fault spec, e.g. "error=0.02,latency=150ms,seed=7" (see parseFaultSpec). */
  faults?: string;
  /** Default 200. */
  orderDelayMs?: number | string;
  /** Tokens per second per X-User-Id; 0 turns the limiter off. Default 100. */
  rateLimitRps?: number | string;
  /** Bucket size; default equal to the rate. */
  rateLimitBurst?: number | string;
  /** Backend to use instead of the in-memory store (closed by the caller). */
  storage?: TargetStorage;
  /** Where the URLs are printed; default stdout. */
  write?: (text: string) => void;
  /** Stops the targets when it aborts (the CLI aborts it on SIGINT/SIGTERM, naming the signal). */
  signal?: AbortSignal;
}

export interface TargetsStartResult {
  targets: RunningTargets;
  /** Resolves once the targets are closed, naming the signal that closed them, if any. */
  stopped: Promise<{ signal: NodeJS.Signals | null }>;
  /** Closes the targets (what a signal does); resolves when they are down. */
  stop(): Promise<void>;
}

/**
 * Starts the reference service and its admin API, prints their URLs and
 * keeps them up until the signal aborts or stop(). The caller awaits `stopped`.
 */
export async function targetsStart(options: TargetsStartOptions = {}): Promise<TargetsStartResult> {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const rps = readNumber(options.rateLimitRps, "--rate-limit-rps", 100);
  const burst = readNumber(options.rateLimitBurst, "--rate-limit-burst", Math.max(1, rps));
  if (burst < 1) throw badOption("--rate-limit-burst", String(burst), "at least 1");
  const targets = await startTargets({
    port: readPort(options.port, "--port", 8080),
    host: options.host ?? "127.0.0.1",
    adminPort: readPort(options.adminPort, "--admin-port", 8081),
    faults: options.faults ?? "none",
    orderProcessingDelayMs: readNumber(options.orderDelayMs, "--order-delay-ms", 200),
    rateLimit: rps === 0 ? false : { ratePerSecond: rps, burst },
    ...(options.storage === undefined ? {} : { storage: options.storage }),
  });

  const { url, adminUrl } = targets;
  const limit = rps === 0 ? "off" : `${rps}/s per X-User-Id, burst ${burst}`;
  write(
    [
      "slogate reference targets are up",
      `  users     ${url}/api/v1/users`,
      `  products  ${url}/api/v1/products`,
      `  orders    ${url}/orders`,
      `  health    ${url}/health/live  ${url}/health/ready`,
      `  metrics   ${url}/metrics`,
      `  admin     ${adminUrl}/admin/faults`,
      `  faults    ${formatFaultSpec(targets.getFaults())}`,
      `  limit     ${limit}`,
      "Stop with Ctrl+C.",
      "",
    ].join("\n"),
  );

  let resolveStopped!: (value: { signal: NodeJS.Signals | null }) => void;
  const stopped = new Promise<{ signal: NodeJS.Signals | null }>((r) => (resolveStopped = r));
  let stopping: Promise<void> | undefined;
  const stopWith = (signal: NodeJS.Signals | null): Promise<void> => {
    stopping ??= (async () => {
      options.signal?.removeEventListener("abort", onAbort);
      await targets.close();
      resolveStopped({ signal });
    })();
    return stopping;
  };
  const onAbort = (): void => {
    const signal = signalNameOf(options.signal);
    write(`\n${signal}: stopping the targets\n`);
    void stopWith(signal);
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  return { targets, stopped, stop: () => stopWith(null) };
}

export interface RunTargetsOptions extends Omit<TargetsStartOptions, "storage"> {
  /** Also start a throwaway Prometheus on loopback scraping the service every second. */
  withPrometheus?: boolean;
  /** Keep the data in a throwaway PostgreSQL on loopback; without it, DATABASE_URL names the database if set. */
  withPostgres?: boolean;
}

/**
 * `slogate targets start` in the foreground: the service's store, the
 * targets and, with withPrometheus, a Prometheus scraping them. Resolves once
 * the signal (or a failure) stopped the targets and everything beside them is
 * stopped and removed.
 */
export async function runTargets(
  options: RunTargetsOptions,
): Promise<{ signal: NodeJS.Signals | null }> {
  const { withPrometheus, withPostgres, ...startOptions } = options;
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const sidecars = await openSidecars({
    withPrometheus: withPrometheus === true,
    withPostgres: withPostgres === true,
  });
  try {
    const started = await targetsStart({
      ...startOptions,
      ...(sidecars.storage ? { storage: sidecars.storage } : {}),
    });
    try {
      if (sidecars.databaseUrl) write(`  database  ${sidecars.databaseUrl}\n`);
      const prometheus = await sidecars.attachPrometheus(started.targets.url);
      if (prometheus) {
        write(`  prometheus ${prometheus.url} (remote write ${prometheus.remoteWriteUrl})\n`);
      }
    } catch (error) {
      await started.stop();
      throw error;
    }
    return await started.stopped;
  } finally {
    await sidecars.close();
  }
}

function badOption(flag: string, value: string, expected: string): TargetError {
  return new TargetError("TARGET_BAD_OPTION", `${flag} ${value}: expected ${expected}`);
}

function readNumber(value: number | string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === "number" ? value : Number(value.trim());
  if (String(value).trim() === "" || !Number.isFinite(n) || n < 0) {
    throw badOption(flag, String(value), "a number ≥ 0");
  }
  return n;
}

function readPort(value: number | string | undefined, flag: string, fallback: number): number {
  const port = readNumber(value, flag, fallback);
  if (!Number.isInteger(port) || port > 65535) {
    throw badOption(flag, String(value), "a port from 0 to 65535 (0 = any free port)");
  }
  return port;
}
