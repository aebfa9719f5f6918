import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { TargetError } from "../errors.js";
import { createAdminHandler } from "./admin-handler.js";
import { createCatalogRoutes } from "./catalog-routes.js";
import { FaultInjector } from "./faults/injector.js";
import { parseFaultSpec, type FaultConfig } from "./faults/spec.js";
import { ServiceMetrics } from "./metrics.js";
import { createOpsRoutes } from "./ops-routes.js";
import { OrderWorker } from "./order-worker.js";
import { createOrderRoutes } from "./orders-routes.js";
import { RateLimiter, type RateLimitOptions } from "./rate-limiter.js";
import { createRequestHandler } from "./request-handler.js";
import { createMemoryStorage } from "./storage/memory.js";
import { delayStorage } from "./storage/delayed.js";
import { instrumentStorage } from "./storage/instrumented.js";
import type { TargetStorage } from "./storage/storage.js";
import { TimerSet } from "./timer-set.js";
import { createUserRoutes } from "./users-routes.js";

export interface StartTargetsOptions {
  /** Service port; 0 (default) picks a free one. */
  port?: number;
  /** Service bind address; default 127.0.0.1. */
  host?: string;
  /** Admin port, always bound to 127.0.0.1; 0 (default) picks a free one. */
  adminPort?: number;
  /** A FaultConfig or a spec string (see parseFaultSpec); default none. */
  faults?: FaultConfig | string;
  /** Time from POST /orders to PAID; default 200 ms. */
  orderProcessingDelayMs?: number;
  /** Per X-User-Id token bucket, or false for none; default 100/s with a burst of 100. */
  rateLimit?: RateLimitOptions | false;
  /**
   * Backend; default a fresh in-memory store with 100 users and 200 products.
   * A store passed in stays open after close(): its owner closes it.
   */
  storage?: TargetStorage;
}

export interface RunningTargets {
  /** Service base URL, e.g. http://127.0.0.1:41234 (no trailing slash; loopback for a wildcard host). */
  url: string;
  /** Admin base URL on 127.0.0.1: GET/PUT {adminUrl}/admin/faults. */
  adminUrl: string;
  /** Route templates subject to faults and rate limiting. */
  apiRoutes: readonly string[];
  /** Replaces the faults and reseeds. @throws TargetError on a bad spec or route. */
  setFaults(faults: FaultConfig | string): void;
  getFaults(): FaultConfig;
  /** Stops both listeners (keep-alive sockets included), the worker and pending timers. */
  close(): Promise<void>;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { ratePerSecond: 100, burst: 100 };
export const DEFAULT_ORDER_PROCESSING_DELAY_MS = 200;

/**
 * Starts the reference service and its admin listener. Resolves once both
 * listen and the storage answers, i.e. when /health/ready reports ready.
 * @throws TargetError TARGET_PORT_IN_USE / TARGET_LISTEN_FAILED, or a fault spec error.
 */
export async function startTargets(options: StartTargetsOptions = {}): Promise<RunningTargets> {
  const host = options.host ?? "127.0.0.1";
  const toConfig = (faults: FaultConfig | string): FaultConfig =>
    typeof faults === "string" ? parseFaultSpec(faults) : faults;
  const initialFaults = toConfig(options.faults ?? "none");
  const delayMs = options.orderProcessingDelayMs ?? DEFAULT_ORDER_PROCESSING_DELAY_MS;
  if (!Number.isFinite(delayMs) || delayMs < 0) {
    throw new TargetError("TARGET_BAD_OPTION", `order processing delay ${delayMs} ms must be ≥ 0`);
  }
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (rateLimit !== false && !(rateLimit.ratePerSecond > 0 && rateLimit.burst >= 1)) {
    throw new TargetError("TARGET_BAD_OPTION", "rate limit needs ratePerSecond > 0 and burst ≥ 1");
  }

  const metrics = new ServiceMetrics();
  const rawStorage = options.storage ?? createMemoryStorage();
  // The fault injector needs the routes, which need the store: the delay wrapper reads it lazily.
  const injector: { current?: FaultInjector } = {};
  const storage = instrumentStorage(
    delayStorage(rawStorage, () => injector.current),
    metrics,
  );
  const worker = new OrderWorker(storage, delayMs);
  const timers = new TimerSet();
  const apiRouteDefinitions = [
    ...createUserRoutes(storage),
    ...createCatalogRoutes(storage),
    ...createOrderRoutes(storage, worker),
  ];
  const apiRoutes = [...new Set(apiRouteDefinitions.map((route) => route.template))];
  const faults = new FaultInjector(initialFaults, apiRoutes, timers);
  injector.current = faults;
  let ready = false;
  const isReady = async (): Promise<boolean> => {
    if (!ready) return false;
    await storage.ping();
    return ready;
  };
  const server = createServer(
    createRequestHandler({
      routes: [...apiRouteDefinitions, ...createOpsRoutes(metrics, isReady)],
      metrics,
      faults,
      rateLimiter: rateLimit === false ? null : new RateLimiter(rateLimit),
    }),
  );
  const admin = createServer(createAdminHandler(faults, toConfig));

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      ready = false;
      // A payment batch in flight may be waiting out an injected db delay on
      // these timers; once they are cleared it never resumes, and awaiting it
      // would hang. Give it a moment to finish first: past that, it stays
      // parked forever and never touches the store again.
      await settleWithin(worker.close(), 1_000);
      timers.clear();
      await Promise.all([stopServer(server), stopServer(admin)]);
      if (options.storage === undefined) await rawStorage.close();
    })();
    return closing;
  };

  try {
    const address = await listen(server, options.port ?? 0, host, "--port");
    const adminAddress = await listen(admin, options.adminPort ?? 0, "127.0.0.1", "--admin-port");
    await storage.ping();
    ready = true;
    return {
      url: formatUrl(host, address.port),
      adminUrl: formatUrl("127.0.0.1", adminAddress.port),
      apiRoutes,
      setFaults: (next) => faults.set(toConfig(next)),
      getFaults: () => faults.get(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A wildcard bind address is no destination: the URL names loopback instead. */
function formatUrl(bindHost: string, port: number): string {
  const host = bindHost === "0.0.0.0" ? "127.0.0.1" : bindHost === "::" ? "::1" : bindHost;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

function listen(server: Server, port: number, host: string, flag: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off("listening", onListening);
      if (error.code === "EADDRINUSE") {
        reject(
          new TargetError(
            "TARGET_PORT_IN_USE",
            `port ${port} on ${host} is already in use; choose another with ${flag} (0 = any free port)`,
            { cause: error },
          ),
        );
      } else {
        reject(
          new TargetError(
            "TARGET_LISTEN_FAILED",
            `cannot listen on ${host}:${port} (${error.code ?? error.message}); check ${flag} and the host`,
            { cause: error },
          ),
        );
      }
    };
    const onListening = (): void => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/** Resolves when `work` settles or after `ms`, whichever is first; the timer keeps nothing alive. */
function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });
}

/** close() waits for open sockets; idle keep-alive ones would hold it forever, so end them all. */
function stopServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
