import { readFileSync } from "node:fs";
import { parse } from "yaml";

/** A GitLab CI job, as far as these tests read it. */
export interface GitlabJob {
  image?: string;
  stage?: string;
  extends?: string | string[];
  variables?: Record<string, string>;
  before_script?: string[];
  script?: string[];
  needs?: (string | { job: string })[];
  cache?: { key?: unknown; paths?: string[] };
  artifacts?: { when?: string; paths?: string[]; reports?: { junit?: string | string[] } };
  [key: string]: unknown;
}

/** Top-level keys that are not jobs (docs.gitlab.com, CI/CD YAML syntax reference). */
export const GLOBAL_KEYWORDS = new Set([
  "default",
  "include",
  "stages",
  "variables",
  "workflow",
  "spec",
  "image",
  "services",
  "cache",
  "before_script",
  "after_script",
]);

export function readGitlabCi(file: string): Record<string, unknown> {
  return parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

/** The jobs of a pipeline file, hidden (`.name`) ones included. */
export function jobsOf(config: Record<string, unknown>): Record<string, GitlabJob> {
  return Object.fromEntries(
    Object.entries(config).filter(([key]) => !GLOBAL_KEYWORDS.has(key)),
  ) as Record<string, GitlabJob>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** GitLab's `extends` merge: hashes merge deeply, anything else (arrays too) is replaced. */
function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>) {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

/** A job with its `extends` chain applied, in order (later parents win, the job wins last). */
export function resolveJob(
  jobs: Record<string, GitlabJob>,
  name: string,
  seen: string[] = [],
): GitlabJob {
  if (seen.includes(name)) throw new Error(`extends loop: ${[...seen, name].join(" -> ")}`);
  const job = jobs[name];
  if (job === undefined) throw new Error(`no job named ${name}`);
  const parents = job.extends === undefined ? [] : [job.extends].flat();
  let merged: Record<string, unknown> = {};
  for (const parent of parents)
    merged = deepMerge(merged, resolveJob(jobs, parent, [...seen, name]));
  const own: Record<string, unknown> = { ...job };
  delete own.extends;
  return deepMerge(merged, own);
}

/** GitLab's artifact globs (doublestar): `**` spans folders, `*` stays within one. */
export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i] ?? "";
    if (glob.startsWith("**/", i)) {
      source += "(?:[^/]+/)*";
      i += 2;
    } else if (glob.startsWith("**", i)) {
      source += ".*";
      i += 1;
    } else if (char === "*") {
      source += "[^/]*";
    } else if (char === "?") {
      source += "[^/]";
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`);
}
