import { spawnSync } from "node:child_process";
import { accessSync, constants, readdirSync } from "node:fs";
import path from "node:path";
import { DependencyError } from "../../errors.js";
import { aptInstall, canAptInstall, whichBinary } from "../apt.js";

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

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function probe(binDir: string, source: PostgresBinaries["source"]): PostgresBinaries | null {
  const initdb = path.join(binDir, "initdb");
  const postgres = path.join(binDir, "postgres");
  if (!isExecutable(initdb) || !isExecutable(postgres)) return null;
  const result = spawnSync(postgres, ["--version"], { encoding: "utf8", timeout: 15_000 });
  const version = /\(PostgreSQL\)\s+(\d+(?:\.\d+)*)/.exec(result.stdout)?.[1];
  return version ? { binDir, initdb, postgres, version, source } : null;
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
  if (env.POSTGRES_BINDIR) {
    const found = probe(env.POSTGRES_BINDIR, "POSTGRES_BINDIR");
    if (!found) {
      throw new DependencyError(
        "POSTGRES_BINDIR_INVALID",
        `POSTGRES_BINDIR=${env.POSTGRES_BINDIR} has no working initdb and postgres; fix it or unset it`,
      );
    }
    return found;
  }
  const onPath = whichBinary("initdb", env);
  if (onPath) {
    // PATH may hold a symlink; its directory must also hold `postgres`.
    const found = probe(path.dirname(onPath), "PATH");
    if (found) return found;
  }
  for (const dir of listDebianBinDirs()) {
    const found = probe(dir, "debian");
    if (found) return found;
  }
  return null;
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
