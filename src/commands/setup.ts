import { ensureK6, type K6Binary } from "../k6/provision.js";
import { findPostgres } from "../stack/postgres/provision.js";
import { findPrometheus } from "../stack/prometheus/provision.js";
import { ensureAptPackages, type AptNeed } from "../stack/apt.js";

export type SetupPurpose = "run" | "tests" | "bench";

export interface SetupOptions {
  purpose?: SetupPurpose;
}

export interface SetupResult {
  k6: K6Binary;
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

/**
 * Provisions what npm does not install: k6 (built from its pinned Go module)
 * and, for the tests and benchmarks, the Debian packages they use.
 */
export async function setup(options: SetupOptions = {}): Promise<SetupResult> {
  const purpose = options.purpose ?? "run";
  const needs = purpose === "tests" ? TEST_NEEDS : purpose === "bench" ? BENCH_NEEDS : [];
  const installedPackages = ensureAptPackages(needs);
  return { k6: await ensureK6(), installedPackages };
}
