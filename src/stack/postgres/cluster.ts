import { spawnSync } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { DependencyError } from "../../errors.js";
import { pickFreePort } from "../free-port.js";
import { launchUntilReady, stopChild, type LaunchResult } from "../launch.js";
import { ensurePostgres, type PostgresBinaries } from "./provision.js";

export interface StartPostgresOptions {
  binaries?: PostgresBinaries;
  /** Database created for the caller. Default `slogate`. */
  database?: string;
  /** Default 30 000 ms. */
  readyTimeoutMs?: number;
  /** How long stop() waits after a fast shutdown before SIGKILL. Default 10 000 ms. */
  stopTimeoutMs?: number;
}

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:<port>/<database>`: trust auth, loopback only. */
  databaseUrl: string;
  port: number;
  /** Directory of the Unix socket (for psql -h). */
  socketDir: string;
  dataDir: string;
  pid: number;
  version: string;
  /** Fast shutdown, SIGKILL after a timeout, then the whole cluster directory is removed. */
  stop(): Promise<void>;
}

const MAX_PORT_ATTEMPTS = 5;

/** uid/gid of the unprivileged `postgres` user: initdb and postgres refuse to run as root. */
function lookupPostgresUser(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined) {
    throw new DependencyError(
      "POSTGRES_NO_USER",
      "running as root but there is no 'postgres' user to run PostgreSQL as; install Debian's postgresql package (it creates one) or run as a normal user",
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Starts a throwaway PostgreSQL cluster for tests and demos: initdb into a
 * temp dir, listening on 127.0.0.1 (and a Unix socket in the same dir) on a
 * free port, trust auth, durability off (fsync) because the data is thrown
 * away. Resolves once a connection succeeds and the database exists.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresCluster> {
  const binaries = options.binaries ?? ensurePostgres();
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const owner = isRoot ? lookupPostgresUser() : undefined;
  const root = mkdtempSync(path.join(os.tmpdir(), "slogate-pg-"));
  const dataDir = path.join(root, "data");
  const socketDir = path.join(root, "socket");
  mkdirSync(socketDir);
  if (owner) for (const dir of [root, socketDir]) chownSync(dir, owner.uid, owner.gid);
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  try {
    const init = spawnSync(
      binaries.initdb,
      [
        "-D",
        dataDir,
        "-U",
        "postgres",
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C",
        "--no-sync",
      ],
      { encoding: "utf8", timeout: 120_000, cwd: root, ...asOwner },
    );
    if (init.status !== 0) {
      throw new DependencyError(
        "POSTGRES_INITDB_FAILED",
        `initdb failed (exit ${init.status ?? "signal"}): ${(init.stderr || init.stdout).trim().split("\n").slice(-3).join(" | ")}`,
      );
    }
    for (let attempt = 1; ; attempt++) {
      const port = await pickFreePort();
      const started = await launch(binaries, dataDir, socketDir, port, root, asOwner, options);
      if (started.kind === "ready") {
        const database = options.database ?? "slogate";
        await createDatabase(port, database);
        return {
          databaseUrl: `postgres://postgres@127.0.0.1:${port}/${database}`,
          port,
          socketDir,
          dataDir,
          pid: started.child.pid ?? -1,
          version: binaries.version,
          stop: async () => {
            await stopChild(started.child, options.stopTimeoutMs ?? 10_000, "SIGINT");
            rmSync(root, { recursive: true, force: true });
          },
        };
      }
      if (started.kind === "port-taken" && attempt < MAX_PORT_ATTEMPTS) continue;
      throw new DependencyError(
        "POSTGRES_START_FAILED",
        `PostgreSQL (${binaries.postgres}) did not become ready: ${started.reason}`,
      );
    }
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

async function launch(
  binaries: PostgresBinaries,
  dataDir: string,
  socketDir: string,
  port: number,
  cwd: string,
  asOwner: { uid?: number; gid?: number },
  options: StartPostgresOptions,
): Promise<LaunchResult> {
  const settings = {
    listen_addresses: "127.0.0.1",
    port: String(port),
    unix_socket_directories: socketDir,
    // Throwaway data: no durability, small footprint on a shared 2-core machine.
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    shared_buffers: "32MB",
    max_connections: "50",
  };
  const args = [
    "-D",
    dataDir,
    ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
  ];
  return launchUntilReady({
    command: binaries.postgres,
    args,
    spawnOptions: { cwd, ...asOwner },
    isReady: () => canConnect(port),
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    // PostgreSQL's "fast" shutdown: abort sessions, checkpoint, exit.
    stopSignal: "SIGINT",
  });
}

async function canConnect(port: number): Promise<boolean> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user: "postgres",
    database: "postgres",
    connectionTimeoutMillis: 1_000,
  });
  // A refused connection also emits 'error' on the client; connect() reports it.
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function createDatabase(port: number, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) {
    throw new DependencyError(
      "POSTGRES_DATABASE_NAME",
      `database name ${JSON.stringify(database)}: use lowercase letters, digits and _`,
    );
  }
  if (database === "postgres") return;
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
}
