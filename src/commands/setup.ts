import { ensureK6, resolveCacheDir, type CacheDir, type K6Binary } from "../k6/provision.js";
import { findPostgres } from "../stack/postgres/provision.js";
import { findPrometheus } from "../stack/prometheus/provision.js";
import { ensureAptPackages, type AptNeed } from "../stack/apt.js";

export type SetupPurpose = "run" | "tests" | "bench";

export interface SetupOptions {
  purpose?: SetupPurpose;
}

export interface SetupResult {
  k6: K6Binary;
  /** Where a k6 build is kept (used only when neither K6_BINARY nor PATH has one). */
  cacheDir: CacheDir;
  installedPackages: string[];
}

const PROMETHEUS: AptNeed[] = [
  // PROMETHEUS_BINARY overrides the package, as it does for every run.
  { binary: "prometheus", packageName: "prometheus", isPresent: () => findPrometheus() !== null },
  { binary: "promtool", packageName: "prometheus" },
];
const TEST_NEEDS: AptNeed[] = [
  ...PROMETHEUS,
  // Debian keeps the server outside PATH (/usr/lib/postgresql/<v>/bin); POSTGRES_BINDIR overrides.
  { binary: "initdb", packageName: "postgresql", isPresent: () => findPostgres() !== null },
  { binary: "chromium", packageName: "chromium" },
];
const BENCH_NEEDS: AptNeed[] = [{ binary: "wrk", packageName: "wrk" }];

/** Says where k6 came from, where slogate keeps its build, and how to change either. */
export function describeK6Location(result: Pick<SetupResult, "k6" | "cacheDir">): string[] {
  const { k6, cacheDir } = result;
  const chosenBy =
    cacheDir.from === "SLOGATE_CACHE_DIR"
      ? "set by SLOGATE_CACHE_DIR"
      : cacheDir.from === "XDG_CACHE_HOME"
        ? "under XDG_CACHE_HOME; SLOGATE_CACHE_DIR overrides it"
        : "set SLOGATE_CACHE_DIR or XDG_CACHE_HOME to move it";
  return [
    `k6 ${k6.version} (${k6.source}): ${k6.path}`,
    `k6 build cache: ${cacheDir.dir} (${chosenBy})`,
    k6.source === "K6_BINARY"
      ? "K6_BINARY names the k6 to run; unset it to use the cached build"
      : "set K6_BINARY to run another k6 of the same major version",
  ];
}

/**
 * Provisions what npm does not install: k6 (built from its pinned Go module)
 * and, for the tests and benchmarks, the Debian packages they use.
 */
export async function setup(options: SetupOptions = {}): Promise<SetupResult> {
  const purpose = options.purpose ?? "run";
  const needs = purpose === "tests" ? TEST_NEEDS : purpose === "bench" ? BENCH_NEEDS : [];
  const installedPackages = ensureAptPackages(needs);
  return { k6: await ensureK6(), cacheDir: resolveCacheDir(), installedPackages };
}
