import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseYamlText } from "../core/config-issues.js";
import { readTiersReference, resolveProfile, type SloProfile } from "../core/profile.js";
import { parseTierTable, type TierTable } from "../core/tiers.js";
import { ConfigError } from "../errors.js";

/** The project's thresholds/ directory (two levels above src/sources and dist/sources). */
export const THRESHOLDS_DIR = fileURLToPath(new URL("../../thresholds", import.meta.url));

/** The profile used when none is named and the current directory has no slo.yaml. */
export const DEFAULT_PROFILE = "generic";

/** The file a project keeps its own profile in, looked up in the current directory. */
export const PROJECT_PROFILE_FILE = "slo.yaml";

export interface LoadProfileOptions {
  /**
   * Where the default tiers.yaml lives, and the only folder whose profiles/
   * names are looked up in when given; slogate's own thresholds/ by default.
   */
  thresholdsDir?: string;
  /** Where ./slo.yaml and ./thresholds/profiles/ are looked up; process.cwd() by default. */
  cwd?: string;
  /** The profile name used when none is given and there is no ./slo.yaml; DEFAULT_PROFILE by default. */
  fallback?: string;
}

export interface LoadedProfile {
  profile: SloProfile;
  tiers: TierTable;
  /** The profile file read. */
  file: string;
  /** How it was chosen: named (--profile), the project's ./slo.yaml, or the fallback. */
  chosenBy: "named" | "project" | "fallback";
}

function readText(file: string, code: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : "cannot be read";
    throw new ConfigError(code, `${file}: ${what} ${reason}`, { cause });
  }
}

/** Reads and validates a tiers file. */
export function loadTierTable(file: string): TierTable {
  return parseTierTable(readText(file, "TIERS_NOT_FOUND", "tiers file"), file);
}

/** The profile names in a profiles directory, for the "no such profile" message. */
function listProfileNames(profilesDir: string): string[] {
  if (!existsSync(profilesDir)) return [];
  return readdirSync(profilesDir)
    .filter((file) => file.endsWith(".yaml"))
    .map((file) => file.slice(0, -".yaml".length))
    .sort();
}

/**
 * The profile file a name or path stands for. A path is anything with a
 * slash or a .yaml/.yml ending, relative to cwd. A name is looked up in the
 * project's ./thresholds/profiles/, then slogate's own thresholds/profiles/
 * (the reference services' profiles and `generic`); an explicit
 * thresholdsDir is the only folder searched.
 */
function findProfileFile(nameOrPath: string, thresholdsDir: string | null, cwd: string): string {
  const isPath = /[\\/]/.test(nameOrPath) || /\.ya?ml$/.test(nameOrPath);
  if (isPath) {
    const file = path.resolve(cwd, nameOrPath);
    if (!existsSync(file)) {
      throw new ConfigError("PROFILE_NOT_FOUND", `${file}: profile file does not exist`);
    }
    return file;
  }
  const folders = thresholdsDir
    ? [path.join(thresholdsDir, "profiles")]
    : [
        ...new Set([
          path.join(cwd, "thresholds", "profiles"),
          path.join(THRESHOLDS_DIR, "profiles"),
        ]),
      ];
  const candidates = folders.map((folder) => path.join(folder, `${nameOrPath}.yaml`));
  const found = candidates.find((file) => existsSync(file));
  if (found) return found;
  const known = [...new Set(folders.flatMap(listProfileNames))].sort();
  throw new ConfigError(
    "PROFILE_NOT_FOUND",
    `no profile "${nameOrPath}" (looked for ${candidates.join(" and ")}); known profiles: ${known.join(", ") || "none"}`,
  );
}

/**
 * Finds the profile to judge against: the one named (a name or a path), else
 * the project's ./slo.yaml, else the fallback profile (`generic`: every
 * request against the seed's tiers). Loads the tiers it refers to (relative
 * to the profile; thresholds/tiers.yaml by default) and validates both.
 * Throws ConfigError with one line naming file and field.
 */
export function loadProfile(
  nameOrPath: string | undefined,
  options: LoadProfileOptions = {},
): LoadedProfile {
  const thresholdsDir = options.thresholdsDir ?? THRESHOLDS_DIR;
  const cwd = options.cwd ?? process.cwd();
  const projectFile = path.join(cwd, PROJECT_PROFILE_FILE);
  let file: string;
  let chosenBy: LoadedProfile["chosenBy"];
  if (nameOrPath !== undefined) {
    file = findProfileFile(nameOrPath, options.thresholdsDir ?? null, cwd);
    chosenBy = "named";
  } else if (existsSync(projectFile)) {
    file = projectFile;
    chosenBy = "project";
  } else {
    file = findProfileFile(options.fallback ?? DEFAULT_PROFILE, options.thresholdsDir ?? null, cwd);
    chosenBy = "fallback";
  }
  const raw = parseYamlText(
    readText(file, "PROFILE_NOT_FOUND", "profile"),
    file,
    "PROFILE_INVALID",
  );
  const reference = readTiersReference(raw);
  const tiersFile = reference
    ? path.resolve(path.dirname(file), reference)
    : path.join(thresholdsDir, "tiers.yaml");
  const tiers = loadTierTable(tiersFile);
  return { profile: resolveProfile(raw, tiers, file), tiers, file, chosenBy };
}
