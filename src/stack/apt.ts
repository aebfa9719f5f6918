import { spawnSync } from "node:child_process";
import { DependencyError } from "../errors.js";
import { whichBinary } from "./binaries.js";

export interface AptNeed {
  /** What is missing, for messages: a command name such as `prometheus`. */
  binary: string;
  /** Debian package that provides it. */
  packageName: string;
  /** Whether it is there; by default, whether `binary` is on PATH. */
  isPresent?: () => boolean;
}

/**
 * Installs the Debian packages whose binaries are missing, when running as
 * root (as on the project's machines and CI); otherwise says what to install.
 * Returns the packages it installed.
 */
export function ensureAptPackages(
  needs: readonly AptNeed[],
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): string[] {
  const missing = needs.filter(
    (need) => !(need.isPresent ? need.isPresent() : whichBinary(need.binary)),
  );
  if (missing.length === 0) return [];
  const names = [...new Set(missing.map((need) => need.packageName))];
  if (!canAptInstall()) {
    throw new DependencyError(
      "SYSTEM_PACKAGES_MISSING",
      `missing ${missing.map((need) => need.binary).join(", ")}: install them with 'sudo apt-get install -y ${names.join(" ")}' (Debian/Ubuntu), or put them on PATH`,
    );
  }
  aptInstall(names, { log });
  return names;
}

/** Whether this process may install Debian packages: root, with apt-get on PATH. */
export function canAptInstall(env: NodeJS.ProcessEnv = process.env): boolean {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  return isRoot && whichBinary("apt-get", env) !== null;
}

/** `apt-get update && apt-get install -y <names>`, or a DependencyError naming the step that failed. */
export function aptInstall(
  names: readonly string[],
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): void {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  log(`slogate: installing Debian packages: ${names.join(" ")}`);
  const env = { ...(options.env ?? process.env), DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [
    ["update", "-q"],
    ["install", "-y", "-q", "--no-install-recommends", ...names],
  ]) {
    const result = spawnSync("apt-get", args, { stdio: ["ignore", "inherit", "inherit"], env });
    if (result.status !== 0) {
      throw new DependencyError(
        "SYSTEM_PACKAGES_FAILED",
        `'apt-get ${args.join(" ")}' failed (exit ${result.status ?? "signal"}); install ${names.join(" ")} by hand and retry`,
      );
    }
  }
}
