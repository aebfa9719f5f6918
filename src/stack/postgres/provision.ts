import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { DependencyError } from "../../errors.js";
import { aptInstall, canAptInstall } from "../apt.js";
import { findBinary, isExecutable } from "../binaries.js";

/** Where Debian's `postgresql-NN` packages put the server binaries (not on PATH). */
export const DEBIAN_POSTGRES_LIB = "/usr/lib/postgresql";

export interface PostgresBinaries {
  /** Directory holding initdb and postgres. */
  binDir: string;
  initdb: string;
  postgres: string;
  /** e.g. `15.18`. */
  version: string;
  source: "POSTGRES_BINDIR" | "PATH" | "debian" | "installed";
}

export interface EnsurePostgresOptions {
  env?: NodeJS.ProcessEnv;
  /** Install Debian's `postgresql` with apt-get when none is found and running as root. Default false. */
  install?: boolean;
  log?: (line: string) => void;
}

/**
 * The server binaries beside one `initdb`, or null when its directory has no
 * working `postgres`. PATH may hold a symlink: its directory must hold both.
 */
function probeBinDir(initdb: string): Omit<PostgresBinaries, "source"> | null {
  const binDir = path.dirname(initdb);
  const postgres = path.join(binDir, "postgres");
  if (!isExecutable(postgres)) return null;
  const result = spawnSync(postgres, ["--version"], { encoding: "utf8", timeout: 15_000 });
  const version = /\(PostgreSQL\)\s+(\d+(?:\.\d+)*)/.exec(result.stdout)?.[1];
  return version ? { binDir, initdb, postgres, version } : null;
}

/** Debian's versioned directories, newest first. */
function listDebianBinDirs(): string[] {
  let entries: string[];
  try {
    entries = readdirSync(DEBIAN_POSTGRES_LIB);
  } catch {
    return [];
  }
  return entries
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))
    .map((name) => path.join(DEBIAN_POSTGRES_LIB, name, "bin"));
}

/** Finds initdb + postgres: POSTGRES_BINDIR, then PATH, then /usr/lib/postgresql/<newest>/bin. */
export function findPostgres(env: NodeJS.ProcessEnv = process.env): PostgresBinaries | null {
  const found = findBinary({
    name: "initdb",
    env,
    envVar: "POSTGRES_BINDIR",
    envIsDir: true,
    describeInvalidEnv: () => "has no working initdb and postgres",
    candidates: listDebianBinDirs().map((dir) => ({
      path: path.join(dir, "initdb"),
      source: "debian" as const,
    })),
    probe: probeBinDir,
  });
  return found && { ...found.details, source: found.source };
}

/**
 * Finds a PostgreSQL server, installing Debian's `postgresql` when allowed and
 * running as root. Otherwise a missing server is a DependencyError that says
 * what to install.
 */
export function ensurePostgres(options: EnsurePostgresOptions = {}): PostgresBinaries {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const found = findPostgres(env);
  if (found) return found;
  if (!options.install || !canAptInstall(env)) {
    throw new DependencyError(
      "POSTGRES_MISSING",
      "PostgreSQL is not installed: run 'sudo apt-get install -y postgresql' (Debian/Ubuntu), or set POSTGRES_BINDIR to a directory holding initdb and postgres",
    );
  }
  aptInstall(["postgresql"], { env, log });
  const installed = findPostgres(env);
  if (!installed) {
    throw new DependencyError(
      "POSTGRES_INSTALL_FAILED",
      `apt-get installed postgresql but no initdb was found under ${DEBIAN_POSTGRES_LIB}; set POSTGRES_BINDIR`,
    );
  }
  return { ...installed, source: "installed" };
}
