import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { readTiersReference } from "../core/profile.js";
import { ConfigError } from "../errors.js";
import { THRESHOLDS_DIR, type LoadedProfile } from "../sources/load-profile.js";
import { PROFILE_MOUNT_DIR } from "./k6-verdict-job.js";

const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** The profile as the verdict pod gets it. */
export interface EmbeddedProfile {
  /** `--profile` in the pod: a built-in name, or the file under /profile. */
  argument: string;
  /** The ConfigMap's name, or null for a profile the image has. */
  configMap: string | null;
  /** Its data: the profile file and its tiers file (when it names one). */
  data: Record<string, string> | null;
}

/** How the verdict container names the profile: the image has slogate's own; any other file is mounted. */
export function embedVerdictProfile(loaded: LoadedProfile, name: string): EmbeddedProfile {
  if (path.dirname(loaded.file) === path.join(THRESHOLDS_DIR, "profiles")) {
    return { argument: path.basename(loaded.file, ".yaml"), configMap: null, data: null };
  }
  const text = readFileSync(loaded.file, "utf8");
  const profileKey = path.basename(loaded.file);
  if (!CONFIGMAP_KEY.test(profileKey)) {
    throw new ConfigError(
      "K8S_TESTRUN_OPTIONS",
      `--profile ${loaded.file}: the verdict mounts it from a ConfigMap, whose keys take letters, digits, '-', '_' and '.' only; rename the file`,
    );
  }
  const data: Record<string, string> = { [profileKey]: text };
  const reference = readTiersReference(parseYaml(text));
  if (reference !== null) {
    // Mounted side by side in one ConfigMap, so the reference must stay a sibling.
    const key = reference.replace(/^\.\//, "");
    if (!CONFIGMAP_KEY.test(key) || key === profileKey) {
      throw new ConfigError(
        "K8S_TESTRUN_OPTIONS",
        `--profile ${loaded.file}: its tiers file "${reference}" is not beside it; the verdict mounts the profile and its tiers in one ConfigMap (${name}), so keep tiers.yaml next to the profile`,
      );
    }
    data[key] = readFileSync(path.resolve(path.dirname(loaded.file), reference), "utf8");
  }
  return { argument: `${PROFILE_MOUNT_DIR}/${profileKey}`, configMap: name, data };
}
