import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseYamlText } from "../core/config-issues.js";
import { readTiersReference, resolveProfile, type SloProfile } from "../core/profile.js";
import { parseTierTable, type TierTable } from "../core/tiers.js";
import { ConfigError } from "../errors.js";

/** The project's thresholds/ directory (two levels above src/sources and dist/sources). */
export const THRESHOLDS_DIR = fileURLToPath(new URL("../../thresholds", import.meta.url));

export interface LoadProfileOptions {
  /** Where `<name>.yaml` profiles and the default tiers.yaml live; the project's thresholds/ by default. */
  thresholdsDir?: string;
}

export interface LoadedProfile {
  profile: SloProfile;
  tiers: TierTable;
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
 * Finds a profile by name (`users-api` → thresholds/profiles/users-api.yaml)
 * or by path (anything with a slash or a .yaml/.yml ending), loads the tiers
 * it refers to (relative to the profile; thresholds/tiers.yaml by default)
 * and validates both. Throws ConfigError with one line naming file and field.
 */
export function loadProfile(nameOrPath: string, options: LoadProfileOptions = {}): LoadedProfile {
  const thresholdsDir = options.thresholdsDir ?? THRESHOLDS_DIR;
  const profilesDir = path.join(thresholdsDir, "profiles");
  const isPath = /[\\/]/.test(nameOrPath) || /\.ya?ml$/.test(nameOrPath);
  const file = isPath ? path.resolve(nameOrPath) : path.join(profilesDir, `${nameOrPath}.yaml`);
  if (!existsSync(file)) {
    const known = listProfileNames(profilesDir);
    throw new ConfigError(
      "PROFILE_NOT_FOUND",
      isPath
        ? `${file}: profile file does not exist`
        : `no profile "${nameOrPath}" (looked for ${file}); known profiles: ${known.join(", ") || "none"}`,
    );
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
  return { profile: resolveProfile(raw, tiers, file), tiers };
}
