import type { RequiredTier } from "../core/types.js";
import { ToolError } from "../errors.js";
import { signalNameOf } from "../k6/run-k6.js";
import { startTargets } from "../targets/index.js";
import { run, type RunResult } from "./run.js";
import { openSidecars, type Sidecars } from "../stack/sidecars.js";

export interface DemoOptions {
  /** Steady iterations per second of the load scenario. */
  ratePerSecond?: number;
  /** Scales the load scenario's 2m/5m/2m shape; 0.1 gives 12s/30s/12s. */
  timeScale?: number;
  require?: RequiredTier;
  reportsDir?: string;
  /** Also start Prometheus and judge the server-side SLIs (db p95, CPU, memory). */
  withPrometheus?: boolean;
  /** Keep the service's data in a throwaway PostgreSQL on loopback, so the database tier measures real queries. */
  withPostgres?: boolean;
  onK6Output?: (chunk: string) => void;
  /** Told when each step starts, for the terminal. */
  onStep?: (line: string) => void;
  /**
   * Interrupts the demo: a k6 run in progress ends gracefully (and is judged
   * and reported), later steps are skipped and everything started is stopped.
   */
  signal?: AbortSignal;
}

export interface DemoResult {
  targetUrl: string;
  smoke: RunResult;
  load: RunResult;
  /** The same load with an injected latency fault, compared with `load` as its baseline; absent when interrupted before it. */
  regression?: RunResult;
  /** The fault injected for `regression`, as a fault spec. */
  regressionFault: string;
}

/** Added to every request of the regression step: far beyond the 10 % margin, inside the Excellent tier. */
export const DEMO_REGRESSION_FAULT = "latency=50ms,seed=7";

/**
 * The main job end to end: start the reference services on loopback, run the
 * smoke scenario (every endpoint once, with checks), then a short load test
 * in the seed's ramp-up/steady/ramp-down shape, each judged and reported;
 * then the same load again with 50 ms added to every request, judged against
 * the tiers and compared with the first load as its baseline: a run that
 * passes the tiers and fails as a regression.
 */
export async function demo(options: DemoOptions = {}): Promise<DemoResult> {
  const step = options.onStep ?? (() => {});
  // An abort while k6 runs ends k6 gracefully (runK6 relays it); any later step
  // is skipped and the services, Prometheus and PostgreSQL are stopped and removed.
  const { signal } = options;
  const stopIfInterrupted = () => {
    if (signal?.aborted) {
      throw new ToolError(
        "INTERRUPTED",
        `interrupted by ${signalNameOf(signal)}; stopped the services`,
      );
    }
  };
  // --with-postgres: a throwaway cluster; else DATABASE_URL set: that database.
  const sidecars = await openSidecars({
    withPrometheus: options.withPrometheus === true,
    withPostgres: options.withPostgres === true,
  });
  try {
    stopIfInterrupted();
    return await runSteps(options, sidecars, step, stopIfInterrupted);
  } finally {
    await sidecars.close();
  }
}

async function runSteps(
  options: DemoOptions,
  sidecars: Sidecars,
  step: (line: string) => void,
  stopIfInterrupted: () => void,
): Promise<DemoResult> {
  const targets = await startTargets({
    port: 0,
    ...(sidecars.storage ? { storage: sidecars.storage } : {}),
  });
  const store = sidecars.databaseUrl
    ? `PostgreSQL store ${sidecars.databaseUrl}`
    : "in-memory store";
  step(`reference services on ${targets.url} (admin ${targets.adminUrl}; ${store})`);
  try {
    stopIfInterrupted();
    const prometheus = await sidecars.attachPrometheus(targets.url);
    if (prometheus) step(`Prometheus on ${prometheus.url}, scraping the service every second`);
    stopIfInterrupted();
    const common = {
      target: targets.url,
      profile: "users-api",
      ...(options.require ? { require: options.require } : {}),
      ...(options.reportsDir ? { reportsDir: options.reportsDir } : {}),
      ...(options.onK6Output ? { onK6Output: options.onK6Output } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      // The reference service is one Node.js process: one core, and it is sized for 512 MiB.
      ...(prometheus
        ? { prometheus: { url: prometheus.url, cpuCores: 1, memoryLimitBytes: 512 * 1024 * 1024 } }
        : {}),
    };
    step("smoke: every endpoint once");
    const smoke = await run({ ...common, scenario: "smoke", window: { kind: "all" } });
    stopIfInterrupted();
    step(`load: ramp-up, steady, ramp-down at ${options.ratePerSecond ?? 50} iterations/s`);
    const loadShape = {
      scenario: "load",
      ratePerSecond: options.ratePerSecond ?? 50,
      timeScale: options.timeScale ?? 0.1,
    };
    const load = await run({ ...common, ...loadShape });
    // Interrupted during the load test: what ran is reported, the regression step is skipped.
    if (options.signal?.aborted) {
      return { targetUrl: targets.url, smoke, load, regressionFault: DEMO_REGRESSION_FAULT };
    }
    step(
      `regression: the same load with an injected fault (${DEMO_REGRESSION_FAULT}), compared with the load run as its baseline`,
    );
    targets.setFaults(DEMO_REGRESSION_FAULT);
    const regression = await run({
      ...common,
      ...loadShape,
      baseline: { paths: [load.dir] },
    });
    return {
      targetUrl: targets.url,
      smoke,
      load,
      regression,
      regressionFault: DEMO_REGRESSION_FAULT,
    };
  } finally {
    await targets.close();
  }
}
