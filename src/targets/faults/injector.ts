import { CapacityPool } from "../capacity-pool.js";
import { checkFaultRoutes } from "./config.js";
import type { FaultConfig, LatencyRange } from "./spec.js";
import { createRandom, type Random } from "../prng.js";
import type { TimerSet } from "../timer-set.js";

interface RoutePlan {
  errorRatio: number;
  latency: LatencyRange | null;
}

/**
 * Applies the current FaultConfig to API requests: an optional delay, then
 * either an injected error or (in capacity mode) a turn in the worker pool.
 * Decisions come from one seeded PRNG drawn in request arrival order, error
 * first then delay, so a run with the same seed and the same request sequence
 * fails the same requests with the same delays.
 */
export class FaultInjector {
  /** False when nothing is injected: the request path then skips the injector entirely. */
  active = false;
  private config!: FaultConfig;
  private random!: Random;
  private plans = new Map<string, RoutePlan>();
  private pool: CapacityPool | null = null;

  constructor(
    config: FaultConfig,
    private readonly knownRoutes: readonly string[],
    private readonly timers: TimerSet,
  ) {
    this.set(config);
  }

  /** Replaces the config and reseeds. @throws TargetError on an unknown route template. */
  set(config: FaultConfig): void {
    checkFaultRoutes(config, this.knownRoutes);
    const snapshot = structuredClone(config);
    const plans = new Map<string, RoutePlan>();
    let active = snapshot.capacity !== null;
    for (const route of this.knownRoutes) {
      const own = snapshot.routes[route];
      const plan = {
        errorRatio: own?.errorRatio ?? snapshot.errorRatio,
        latency: own?.latency ?? snapshot.latency,
      };
      if (plan.errorRatio > 0 || (plan.latency !== null && plan.latency.maxMs > 0)) active = true;
      plans.set(route, plan);
    }
    this.config = snapshot;
    this.plans = plans;
    this.random = createRandom(snapshot.seed);
    this.pool =
      snapshot.capacity === null ? null : new CapacityPool(snapshot.capacity, this.timers);
    this.active = active;
  }

  /**
   * The delay for one storage call (0 without a `db` fault), drawn from the
   * same seeded PRNG. Every storage call asks, so no fault costs one check.
   */
  storageDelayMs(): number {
    const range = this.config.dbLatency;
    if (range === null) return 0;
    return range.maxMs > range.minMs
      ? range.minMs + this.random() * (range.maxMs - range.minMs)
      : range.minMs;
  }

  /** Waits `ms` on the service's timers, so close() cancels pending delays. */
  sleep(ms: number): Promise<void> {
    return this.timers.sleep(ms);
  }

  get(): FaultConfig {
    return structuredClone(this.config);
  }

  /**
   * Runs the faults for one request to `route`: resolves 0 when the handler
   * should run, or the status to answer with instead (injected error, or the
   * capacity queue is full).
   */
  async apply(route: string): Promise<number> {
    const plan = this.plans.get(route);
    if (plan === undefined) return 0;
    const failing = plan.errorRatio > 0 && this.random() < plan.errorRatio;
    let delayMs = 0;
    if (plan.latency !== null) {
      const { minMs, maxMs } = plan.latency;
      delayMs = maxMs > minMs ? minMs + this.random() * (maxMs - minMs) : minMs;
    }
    if (delayMs > 0) await this.timers.sleep(delayMs);
    if (failing) return this.config.errorStatus;
    const pool = this.pool;
    if (pool !== null && !(await pool.work())) return this.config.errorStatus;
    return 0;
  }
}
