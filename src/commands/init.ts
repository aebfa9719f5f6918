import { constants, copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../errors.js";

/** The scaffold `slogate init` copies: templates/init/ beside dist/ (and src/) in the package. */
export const INIT_TEMPLATES_DIR = fileURLToPath(new URL("../../templates/init", import.meta.url));

export interface InitOptions {
  /** The project to scaffold; the current directory by default. */
  dir?: string;
  /** Where the scaffold comes from; INIT_TEMPLATES_DIR by default. */
  templatesDir?: string;
}

export interface InitResult {
  /** The project directory, absolute. */
  dir: string;
  /** Files created, relative to dir, with `/` separators. */
  written: string[];
  /** Files that already existed and were left exactly as they were. */
  kept: string[];
  /** Commands to type next, in order. */
  nextSteps: string[];
}

/** Every file under dir, relative, sorted so the output reads the same on every machine. */
function listFiles(dir: string, prefix = ""): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listFiles(path.join(dir, entry.name), relative));
    else if (entry.isFile()) files.push(relative);
  }
  return files.sort();
}

/** Copies one file unless the target exists; true when it was written. */
function copyIfAbsent(from: string, to: string): boolean {
  if (existsSync(to)) return false;
  try {
    mkdirSync(path.dirname(to), { recursive: true });
    // COPYFILE_EXCL: a file created between the check and the copy is still never overwritten.
    copyFileSync(from, to, constants.COPYFILE_EXCL);
    return true;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    throw new ConfigError(
      "INIT_WRITE_FAILED",
      `${to}: cannot be written (${code ?? String(cause)}); check the folder's permissions or pick another --dir`,
      { cause },
    );
  }
}

function quoteForShell(value: string): string {
  return /^[\w./@:-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

/** What to type after init, given the files the project now holds. */
function planNextSteps(dir: string, files: readonly string[]): string[] {
  const steps: string[] = [];
  const relative = path.relative(process.cwd(), dir);
  if (relative !== "") steps.push(`cd ${quoteForShell(relative)}`);
  steps.push("npx slogate setup   # provisions k6 once (built from source: a few minutes)");
  const scenarios = files.filter((file) => /^scenarios\/[^/]+\.(?:ts|js)$/.test(file));
  for (const scenario of scenarios) {
    steps.push(`npx slogate run ${scenario} --target http://localhost:8080   # your service's URL`);
  }
  steps.push(
    "npx slogate check --k6 results.ndjson   # judge k6 --out json results against slo.yaml",
  );
  return steps;
}

/**
 * Scaffolds a project for slogate: copies every file of the templates folder
 * (slo.yaml, scenarios, CI files), keeping relative paths, into dir. Never
 * overwrites: an existing file is kept as it is and listed as kept.
 */
export function init(options: InitOptions = {}): InitResult {
  const dir = path.resolve(options.dir ?? ".");
  const templatesDir = options.templatesDir ?? INIT_TEMPLATES_DIR;
  if (!existsSync(templatesDir)) {
    throw new ConfigError(
      "INIT_TEMPLATES_MISSING",
      `${templatesDir}: the init templates are missing from this slogate installation; reinstall slogate`,
    );
  }
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new ConfigError("INIT_DIR_INVALID", `--dir ${dir}: is a file, not a directory`);
  }
  const written: string[] = [];
  const kept: string[] = [];
  const files = listFiles(templatesDir);
  for (const file of files) {
    const target = path.join(dir, ...file.split("/"));
    (copyIfAbsent(path.join(templatesDir, ...file.split("/")), target) ? written : kept).push(file);
  }
  return { dir, written, kept, nextSteps: planNextSteps(dir, files) };
}
