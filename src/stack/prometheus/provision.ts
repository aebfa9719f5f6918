import { spawnSync } from "node:child_process";
import path from "node:path";
import { DependencyError } from "../../errors.js";
import { aptInstall, canAptInstall } from "../apt.js";
import { findBinary, isExecutable, whichBinary } from "../binaries.js";

/** Where Debian's `prometheus` package puts its binaries. */
export const DEBIAN_PROMETHEUS = "/usr/bin/prometheus";

export interface PrometheusBinary {
  path: string;
  /** `promtool` next to it (same directory, else PATH), null when there is none. */
  promtoolPath: string | null;
  /** As Prometheus prints it, e.g. `2.42.0+ds`. */
  version: string;
  source: "PROMETHEUS_BINARY" | "PATH" | "debian" | "installed";
  /** Flags this build accepts; read from `prometheus --help`, not assumed from the version. */
  supports: {
    /** `--web.enable-remote-write-receiver` (k6 `experimental-prometheus-rw` pushes here). */
    remoteWriteReceiver: boolean;
    /** `--enable-feature=native-histograms` (k6 trends as native histograms). */
    nativeHistograms: boolean;
  };
}

export interface EnsurePrometheusOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * Install Debian's `prometheus` with apt-get when none is found and the
   * process runs as root. Default false: finding only.
   */
  install?: boolean;
  log?: (line: string) => void;
}

/** Runs `<bin> --version` and returns e.g. `2.42.0+ds`, or null when it is not Prometheus. */
export function probePrometheusVersion(binary: string): string | null {
  const result = spawnSync(binary, ["--version"], { encoding: "utf8", timeout: 15_000 });
  if (result.status !== 0) return null;
  // Prometheus 2.x prints its version on stderr, 3.x on stdout.
  const text = `${result.stdout}\n${result.stderr}`;
  return /^prometheus, version (\S+)/m.exec(text)?.[1] ?? null;
}

/** Reads `prometheus --help` for the flags slogate relies on. */
export function probePrometheusFlags(binary: string): PrometheusBinary["supports"] {
  const result = spawnSync(binary, ["--help"], { encoding: "utf8", timeout: 15_000 });
  const help = `${result.stdout}\n${result.stderr}`;
  return {
    remoteWriteReceiver: help.includes("--web.enable-remote-write-receiver"),
    nativeHistograms: /native-histograms/.test(help),
  };
}

function describe(
  binary: string,
  version: string,
  source: PrometheusBinary["source"],
  env: NodeJS.ProcessEnv,
): PrometheusBinary {
  const sibling = path.join(path.dirname(binary), "promtool");
  const promtoolPath = isExecutable(sibling) ? sibling : whichBinary("promtool", env);
  return { path: binary, promtoolPath, version, source, supports: probePrometheusFlags(binary) };
}

/** Finds Prometheus without installing anything: PROMETHEUS_BINARY, PATH, then Debian's path. */
export function findPrometheus(env: NodeJS.ProcessEnv = process.env): PrometheusBinary | null {
  const found = findBinary({
    name: "prometheus",
    env,
    envVar: "PROMETHEUS_BINARY",
    describeInvalidEnv: (file) => `does not run as Prometheus ('${file} --version' failed)`,
    candidates: [{ path: DEBIAN_PROMETHEUS, source: "debian" }],
    probe: probePrometheusVersion,
  });
  return found && describe(found.path, found.details, found.source, env);
}

/**
 * Finds Prometheus, installing Debian's package when allowed and running as
 * root (the project's machines and CI). Otherwise a missing Prometheus is a
 * DependencyError that says what to install; it never skips silently.
 */
export function ensurePrometheus(options: EnsurePrometheusOptions = {}): PrometheusBinary {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const found = findPrometheus(env);
  if (found) return checkFlags(found);

  if (!options.install || !canAptInstall(env)) {
    throw new DependencyError(
      "PROMETHEUS_MISSING",
      "Prometheus is not installed: run 'sudo apt-get install -y prometheus' (Debian/Ubuntu), or set PROMETHEUS_BINARY to a prometheus >= 2.40 binary",
    );
  }
  aptInstall(["prometheus"], { env, log });
  const installed = findPrometheus(env);
  if (!installed) {
    throw new DependencyError(
      "PROMETHEUS_INSTALL_FAILED",
      `apt-get installed prometheus but no binary answers at ${DEBIAN_PROMETHEUS}; set PROMETHEUS_BINARY`,
    );
  }
  return checkFlags({ ...installed, source: "installed" });
}

function checkFlags(binary: PrometheusBinary): PrometheusBinary {
  if (!binary.supports.remoteWriteReceiver || !binary.supports.nativeHistograms) {
    throw new DependencyError(
      "PROMETHEUS_TOO_OLD",
      `${binary.path} is Prometheus ${binary.version}, which lacks --web.enable-remote-write-receiver or native histograms; use Prometheus >= 2.40 (PROMETHEUS_BINARY)`,
    );
  }
  return binary;
}
