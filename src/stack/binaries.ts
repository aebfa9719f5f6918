import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import { DependencyError } from "../errors.js";

/** True for a regular file this process may execute (a directory on PATH is not a command). */
export function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` in the directories of env.PATH, as a shell's `command -v` finds it. */
export function whichBinary(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

/** A place a binary may be, and the source reported when it is used. */
export interface BinaryCandidate<Source extends string> {
  path: string;
  source: Source;
}

export interface FindBinaryOptions<Source extends string, Details> {
  /** The command looked up on PATH, e.g. `prometheus`. */
  name: string;
  /**
   * A variable naming the binary to use, e.g. `PROMETHEUS_BINARY`. When set it
   * is the only place tried, and one that fails the probe is an error
   * (`<envVar>_INVALID`), never a silent fall-back to another binary.
   */
  envVar?: Source;
  /** The variable names the directory holding `name` (POSTGRES_BINDIR), not the file. */
  envIsDir?: boolean;
  /** What is wrong with the variable's binary when the probe rejects it, e.g. "does not run as k6". */
  describeInvalidEnv?: (value: string) => string;
  /** Places tried after PATH, in order (a distribution's path, a cache). */
  candidates?: readonly BinaryCandidate<Source>[];
  /**
   * Whether an executable candidate is the binary wanted, and what it is
   * (usually its version); null passes on to the next candidate. It may
   * throw for a candidate that must not be passed over.
   */
  probe: (file: string, source: Source | "PATH") => Details | null;
  env?: NodeJS.ProcessEnv;
}

export interface FoundBinary<Source extends string, Details> {
  path: string;
  source: Source | "PATH";
  /** What the probe returned for it. */
  details: Details;
}

/**
 * Finds a binary in the order every provisioner uses: the environment
 * override alone when it is set; otherwise `name` on PATH, then each
 * candidate. Only executable regular files are probed. Null when nothing
 * passes; installing or building is the caller's next step.
 */
export function findBinary<Source extends string, Details>(
  options: FindBinaryOptions<Source, Details>,
): FoundBinary<Source, Details> | null {
  const env = options.env ?? process.env;
  const { envVar, probe } = options;
  const accept = (file: string, source: Source | "PATH") => {
    if (!isExecutable(file)) return null;
    const details = probe(file, source);
    return details === null ? null : { path: file, source, details };
  };

  const fromEnv = envVar === undefined ? undefined : env[envVar];
  if (envVar !== undefined && fromEnv) {
    const file = options.envIsDir ? path.join(fromEnv, options.name) : fromEnv;
    const found = accept(file, envVar);
    if (found) return found;
    const problem = options.describeInvalidEnv?.(fromEnv) ?? `is not a working ${options.name}`;
    throw new DependencyError(
      `${envVar}_INVALID`,
      `${envVar}=${fromEnv} ${problem}; fix the path or unset ${envVar}`,
    );
  }

  const onPath = whichBinary(options.name, env);
  const places: BinaryCandidate<Source | "PATH">[] = [
    ...(onPath === null ? [] : [{ path: onPath, source: "PATH" as const }]),
    ...(options.candidates ?? []),
  ];
  for (const place of places) {
    const found = accept(place.path, place.source);
    if (found) return found;
  }
  return null;
}
