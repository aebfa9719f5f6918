import { ensurePrometheus } from "../prometheus/provision.js";
import { scrapeTargetOf } from "../prometheus/config.js";
import { startPrometheus, type PrometheusServer } from "../prometheus/server.js";
import { openStorageFromEnv } from "../targets/storage-from-env.js";
import type { TargetStorage } from "../targets/storage.js";

export interface SidecarsOptions {
  /** The reference service's URL, once it listens. */
  withPrometheus: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * What runs beside the reference service: its PostgreSQL store (when
 * DATABASE_URL is set) before it starts, and a throwaway Prometheus scraping
 * it every second after. `close()` stops them in reverse order.
 */
export interface Sidecars {
  storage: TargetStorage | undefined;
  prometheus: PrometheusServer | null;
  attachPrometheus(serviceUrl: string): Promise<PrometheusServer | null>;
  close(): Promise<void>;
}

export async function openSidecars(options: SidecarsOptions): Promise<Sidecars> {
  const storage = await openStorageFromEnv(options.env ?? process.env);
  const sidecars: Sidecars = {
    storage,
    prometheus: null,
    async attachPrometheus(serviceUrl) {
      if (!options.withPrometheus) return null;
      // The project's own set-up installs Debian's prometheus when running as root.
      const binary = ensurePrometheus({ install: true });
      sidecars.prometheus = await startPrometheus({
        scrapeTargets: [scrapeTargetOf(serviceUrl)],
        binary,
      });
      return sidecars.prometheus;
    },
    async close() {
      await sidecars.prometheus?.close();
      await storage?.close();
    },
  };
  return sidecars;
}
