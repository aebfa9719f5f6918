import type { RequiredTier } from "../core/types.js";
import { startTargets } from "../targets/index.js";
import { run, type RunResult } from "./run.js";
import { openSidecars } from "./stack.js";

export interface DemoOptions {
  /** Steady iterations per second of the load scenario. */
  ratePerSecond?: number;
  /** Scales the load scenario's 2m/5m/2m shape; 0.1 gives 12s/30s/12s. */
  timeScale?: number;
  require?: RequiredTier;
  reportsDir?: string;
  /** Also start Prometheus and judge the server-side SLIs (db p95, CPU, memory). */
  withPrometheus?: boolean;
  onK6Output?: (chunk: string) => void;
  /** Told when each step starts, for the terminal. */
  onStep?: (line: string) => void;
}

export interface DemoResult {
  targetUrl: string;
  smoke: RunResult;
  load: RunResult;
}

/**
 * The main job end to end: start the reference services on loopback, run the
 * smoke scenario (every endpoint once, with checks), then a short load test
 * in the seed's ramp-up/steady/ramp-down shape, each judged and reported.
 */
export async function demo(options: DemoOptions = {}): Promise<DemoResult> {
  const step = options.onStep ?? (() => {});
  // DATABASE_URL set: the service keeps its data in PostgreSQL.
  const sidecars = await openSidecars({ withPrometheus: options.withPrometheus === true });
  const targets = await startTargets({
    port: 0,
    ...(sidecars.storage ? { storage: sidecars.storage } : {}),
  });
  step(
    `reference services on ${targets.url} (admin ${targets.adminUrl}; ${sidecars.storage ? "PostgreSQL" : "in-memory"} store)`,
  );
  try {
    const prometheus = await sidecars.attachPrometheus(targets.url);
    if (prometheus) step(`Prometheus on ${prometheus.url}, scraping the service every second`);
    const common = {
      target: targets.url,
      profile: "users-api",
      ...(options.require ? { require: options.require } : {}),
      ...(options.reportsDir ? { reportsDir: options.reportsDir } : {}),
      ...(options.onK6Output ? { onK6Output: options.onK6Output } : {}),
      // The reference service is one Node.js process: one core, and it is sized for 512 MiB.
      ...(prometheus
        ? { prometheus: { url: prometheus.url, cpuCores: 1, memoryLimitBytes: 512 * 1024 * 1024 } }
        : {}),
    };
    step("smoke: every endpoint once");
    const smoke = await run({ ...common, scenario: "smoke", window: { kind: "all" } });
    step(`load: ramp-up, steady, ramp-down at ${options.ratePerSecond ?? 50} iterations/s`);
    const load = await run({
      ...common,
      scenario: "load",
      ratePerSecond: options.ratePerSecond ?? 50,
      timeScale: options.timeScale ?? 0.1,
    });
    return { targetUrl: targets.url, smoke, load };
  } finally {
    await targets.close();
    await sidecars.close();
  }
}
