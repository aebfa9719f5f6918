import { existsSync, readdirSync } from "node:fs";
import { ensureK6, type K6Binary } from "../k6/provision.js";
import { ensureAptPackages, whichBinary, type AptNeed } from "../system/apt.js";

export type SetupPurpose = "run" | "tests" | "bench";

export interface SetupOptions {
  purpose?: SetupPurpose;
}

export interface SetupResult {
  k6: K6Binary;
  installedPackages: string[];
}

/** PostgreSQL's server binaries live outside PATH on Debian (/usr/lib/postgresql/<v>/bin). */
function hasPostgresServer(): boolean {
  if (whichBinary("initdb")) return true;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return false;
  return readdirSync(root).some((version) => existsSync(`${root}/${version}/bin/initdb`));
}

const PROMETHEUS: AptNeed[] = [
  {
    binary: "prometheus",
    packageName: "prometheus",
    // PROMETHEUS_BINARY overrides the package, as it does for every run.
    isPresent: () => Boolean(process.env.PROMETHEUS_BINARY) || whichBinary("prometheus") !== null,
  },
  { binary: "promtool", packageName: "prometheus" },
];
const TEST_NEEDS: AptNeed[] = [
  ...PROMETHEUS,
  { binary: "initdb", packageName: "postgresql", isPresent: hasPostgresServer },
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
