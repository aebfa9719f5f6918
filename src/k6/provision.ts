import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DependencyError } from "../errors.js";
import { findBinary, whichBinary } from "../stack/binaries.js";

/** The project's root: two levels above this file in both `src/k6/` and `dist/k6/`. */
export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The one place the k6 version is pinned: tools/k6/go.mod (with its go.sum). */
export const K6_MODULE_DIR = path.join(PROJECT_ROOT, "tools", "k6");
export const K6_MODULE = "go.k6.io/k6/v2";

export interface K6Binary {
  path: string;
  /** As k6 prints it, e.g. `v2.2.0`. */
  version: string;
  source: "K6_BINARY" | "PATH" | "cache" | "built";
}

/** Where slogate keeps what it builds, and which setting chose it. */
export interface CacheDir {
  dir: string;
  from: "SLOGATE_CACHE_DIR" | "XDG_CACHE_HOME" | "home";
}

/**
 * The per-user cache: `$SLOGATE_CACHE_DIR`, else `$XDG_CACHE_HOME/slogate`,
 * else `~/.cache/slogate`. Per user, not per project, so every project on the
 * machine shares one k6 build, and never under node_modules, which `npm ci`
 * wipes. A relative XDG_CACHE_HOME is ignored, as the XDG spec says.
 */
export function resolveCacheDir(env: NodeJS.ProcessEnv = process.env): CacheDir {
  if (env.SLOGATE_CACHE_DIR) {
    return { dir: path.resolve(env.SLOGATE_CACHE_DIR), from: "SLOGATE_CACHE_DIR" };
  }
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg))
    return { dir: path.join(xdg, "slogate"), from: "XDG_CACHE_HOME" };
  return { dir: path.join(env.HOME || homedir(), ".cache", "slogate"), from: "home" };
}

/** Where the pinned k6 is (or will be) built: `<cache dir>/k6-<version>`. */
export function k6CachePath(cacheDir: string, version: string): string {
  return path.join(cacheDir, `k6-${version}`);
}

export interface EnsureK6Options {
  env?: NodeJS.ProcessEnv;
  /** Where the build goes; resolveCacheDir(env) by default. */
  cacheDir?: string;
  /** Receives the build's progress lines (go's output); stderr by default. */
  log?: (line: string) => void;
}

export function readPinnedK6Version(moduleDir: string = K6_MODULE_DIR): string {
  const goMod = readFileSync(path.join(moduleDir, "go.mod"), "utf8");
  const match = /^\s*(?:require\s+)?go\.k6\.io\/k6\/v2\s+(v\d+\.\d+\.\d+\S*)/m.exec(goMod);
  if (!match?.[1]) {
    throw new DependencyError(
      "K6_PIN_MISSING",
      `${path.join(moduleDir, "go.mod")}: no 'require ${K6_MODULE} vX.Y.Z' line; restore it from git`,
    );
  }
  return match[1];
}

function majorOf(version: string): string {
  return /^v?(\d+)\./.exec(version)?.[1] ?? "";
}

/** Runs `<bin> version` and returns e.g. `v2.2.0`, or null when it is not a k6 binary. */
export function probeK6Version(binary: string): string | null {
  const result = spawnSync(binary, ["version"], { encoding: "utf8", timeout: 15_000 });
  if (result.status !== 0) return null;
  // k6 names itself after argv[0] ("k6-v2.2.0 v2.2.0 (go…)"), so match the version only.
  return /^\S*k6\S*\s+(v\d+\.\d+\.\d+[^\s(]*)/m.exec(result.stdout)?.[1] ?? null;
}

/**
 * Finds the k6 to run, building the pinned version from its Go module when
 * there is none. Order: `K6_BINARY`, a `k6` on PATH of the pinned major, the
 * build in the per-user cache (resolveCacheDir), a fresh build with Go. Never silently skips: a
 * missing Go is a DependencyError saying what to install.
 */
export async function ensureK6(options: EnsureK6Options = {}): Promise<K6Binary> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const pinned = readPinnedK6Version();

  const cached = k6CachePath(options.cacheDir ?? resolveCacheDir(env).dir, pinned);
  const found = findBinary({
    name: "k6",
    env,
    envVar: "K6_BINARY",
    describeInvalidEnv: (file) => `does not run as k6 ('${file} version' failed)`,
    candidates: [{ path: cached, source: "cache" }],
    probe: (file, source) => {
      const version = probeK6Version(file);
      if (version === null) return null;
      // A k6 the user named is used or refused, never passed over for another.
      if (source === "K6_BINARY" && majorOf(version) !== majorOf(pinned)) {
        throw new DependencyError(
          "K6_BINARY_MAJOR",
          `K6_BINARY=${file} is k6 ${version}; slogate needs k6 ${pinned.split(".")[0]}.x (pinned ${pinned}); unset K6_BINARY to build it`,
        );
      }
      // Any k6 of the pinned major on PATH will do; the cache holds exactly the pinned build.
      if (source === "PATH" && majorOf(version) !== majorOf(pinned)) return null;
      if (source === "cache" && version !== pinned) return null;
      return version;
    },
  });
  if (found) return { path: found.path, version: found.details, source: found.source };

  // A cached build that is not the pinned version (or does not run) is replaced.
  rmSync(cached, { force: true });
  await buildK6(pinned, cached, env, log);
  const version = probeK6Version(cached);
  if (version !== pinned) {
    throw new DependencyError(
      "K6_BUILD_MISMATCH",
      `built ${cached} reports ${version ?? "no version"}, expected ${pinned}; delete ${cached} and retry`,
    );
  }
  return { path: cached, version, source: "built" };
}

async function buildK6(
  pinned: string,
  output: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<void> {
  const go = whichBinary("go", env);
  if (!go) {
    throw new DependencyError(
      "K6_NO_GO",
      `k6 ${pinned} is not installed and Go is not available to build it: install Go >= 1.25 (apt-get install golang-go, or /usr/local/go), or set K6_BINARY to a k6 ${pinned.split(".")[0]}.x binary`,
    );
  }
  mkdirSync(path.dirname(output), { recursive: true });
  const tmp = `${output}.tmp-${process.pid}`;
  log(
    `slogate: building k6 ${pinned} from its Go module (${K6_MODULE}); first time only, a few minutes`,
  );
  // tools/k6/go.mod + go.sum pin k6 and every dependency; building the package
  // from that module (not `go install …@version`) needs no module listing from
  // the proxy and is reproducible.
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(go, ["build", "-trimpath", "-o", tmp, K6_MODULE], {
      cwd: K6_MODULE_DIR,
      env: { ...env, GOFLAGS: `${env.GOFLAGS ?? ""} -mod=mod`.trim(), CGO_ENABLED: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) log(`  go: ${line}`);
    };
    child.stdout.on("data", relay);
    child.stderr.on("data", relay);
    child.on("error", reject);
    child.on("close", (status) => resolve(status ?? 1));
  });
  if (code !== 0) {
    rmSync(tmp, { force: true });
    throw new DependencyError(
      "K6_BUILD_FAILED",
      `building k6 ${pinned} with Go failed (exit ${code}, output above); check Go >= 1.25 and access to the Go module proxy, or set K6_BINARY`,
    );
  }
  // Rename is atomic: a concurrent build or reader never sees half a binary.
  renameSync(tmp, output);
}
