import { redactUrl } from "../redact.js";
import { ConfigError } from "../errors.js";
import { startPostgres, type PostgresCluster } from "./postgres/cluster.js";
import { ensurePostgres } from "./postgres/provision.js";
import { ensurePrometheus } from "./prometheus/provision.js";
import { scrapeTargetOf } from "./prometheus/config.js";
import { startPrometheus, type PrometheusServer } from "./prometheus/server.js";
import { openStorageFromEnv } from "../targets/storage/from-env.js";
import { createPostgresStorage } from "../targets/storage/postgres.js";
import type { TargetStorage } from "../targets/storage/storage.js";

export interface SidecarsOptions {
  /** Start a throwaway Prometheus scraping the reference service (see attachPrometheus). */
  withPrometheus: boolean;
  /** Start a throwaway PostgreSQL cluster on loopback and keep the service's data in it. */
  withPostgres?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * What runs beside the reference service: its PostgreSQL store (a throwaway
 * cluster with --with-postgres, or the database DATABASE_URL names) before
 * it starts, and a throwaway Prometheus scraping it every second after.
 * `close()` stops them in reverse order and removes their temp dirs.
 */
export interface Sidecars {
  storage: TargetStorage | undefined;
  /** The cluster started for --with-postgres, or null. */
  postgres: PostgresCluster | null;
  /** Where the service keeps its data, credentials hidden, for printing; undefined = in memory. */
  databaseUrl: string | undefined;
  prometheus: PrometheusServer | null;
  attachPrometheus(serviceUrl: string): Promise<PrometheusServer | null>;
  close(): Promise<void>;
}

interface Store {
  storage: TargetStorage | undefined;
  postgres: PostgresCluster | null;
  databaseUrl: string | undefined;
}

async function openStore(options: SidecarsOptions, env: NodeJS.ProcessEnv): Promise<Store> {
  const fromEnv = env.DATABASE_URL?.trim();
  if (!options.withPostgres) {
    const storage = await openStorageFromEnv(env);
    return { storage, postgres: null, databaseUrl: fromEnv ? redactUrl(fromEnv) : undefined };
  }
  if (fromEnv) {
    throw new ConfigError(
      "POSTGRES_AND_DATABASE_URL",
      "--with-postgres starts its own database but DATABASE_URL is also set: unset DATABASE_URL, or drop --with-postgres to use that database",
    );
  }
  // The project's own set-up installs Debian's postgresql when running as root.
  const postgres = await startPostgres({ binaries: ensurePostgres({ install: true, env }) });
  try {
    const storage = await createPostgresStorage({ connectionString: postgres.databaseUrl });
    return { storage, postgres, databaseUrl: redactUrl(postgres.databaseUrl) };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}

export async function openSidecars(options: SidecarsOptions): Promise<Sidecars> {
  const store = await openStore(options, options.env ?? process.env);
  const sidecars: Sidecars = {
    ...store,
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
      // Each step runs even when an earlier one fails: no process or temp dir left behind.
      try {
        await sidecars.prometheus?.close();
      } finally {
        try {
          await store.storage?.close();
        } finally {
          await store.postgres?.stop();
        }
      }
    },
  };
  return sidecars;
}
