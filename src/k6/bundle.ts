import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build, type BuildFailure, type BuildOptions, type Message, type Plugin } from "esbuild";
import { ConfigError } from "../errors.js";
import { PROJECT_ROOT, resolveCacheDir } from "./provision.js";
import { displayPath, SLOGATE_K6_ENTRY, typecheckScenario } from "./typecheck.js";

/** Where the TypeScript scenarios live: `<project>/scenarios/<name>.ts`. */
export const SCENARIOS_DIR = path.join(PROJECT_ROOT, "scenarios");

/** Default output directory (git-ignored). */
export const SCENARIO_BUILD_DIR = path.join(SCENARIOS_DIR, "build");

export interface BundleScenarioOptions {
  /**
   * Where `<name>.js` is written; scenarios/build by default for a bundled
   * name, a per-file directory under the system's temp dir for a path.
   */
  outDir?: string;
  /** Resolves a scenario path against this; the process's working directory by default. */
  cwd?: string;
}

export interface BundleScenarioResult {
  /** The bundled script, ready for `k6 run`. */
  scriptPath: string;
  /** The bundled scenario's name, or a file's base name without its extension. */
  name: string;
}

/** Extensions of scenario files: TypeScript is type-checked first, JavaScript is bundled as it is. */
const TYPESCRIPT_EXTENSIONS = [".ts", ".mts", ".cts"];
const JAVASCRIPT_EXTENSIONS = [".js", ".mjs", ".cjs"];

/**
 * Whether `scenario` names a file rather than one of slogate's scenarios: it
 * holds a path separator or ends in a script extension (`./checkout.ts`,
 * `load/steady.js`, `checkout.ts`).
 */
export function isScenarioPath(scenario: string): boolean {
  return (
    /[\\/]/.test(scenario) ||
    [...TYPESCRIPT_EXTENSIONS, ...JAVASCRIPT_EXTENSIONS].includes(path.extname(scenario))
  );
}

/** The scenario's short name: a bundled name as it is, a file's base name without its extension. */
export function deriveScenarioName(scenario: string): string {
  if (!isScenarioPath(scenario)) return scenario;
  return path.basename(scenario, path.extname(scenario));
}

/** `import … from "slogate/k6"` is the running slogate's helpers, whatever else is installed. */
const SLOGATE_K6_PLUGIN: Plugin = {
  name: "slogate-k6",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^slogate\/k6$/ }, () => ({ path: SLOGATE_K6_ENTRY }));
  },
};

/** esbuild settings every scenario is bundled with. */
const COMMON_BUILD: BuildOptions = {
  // One file for k6: the helpers (and a user's npm dependencies) are inlined.
  bundle: true,
  // k6 loads ES modules natively; CommonJS wrappers would hide `export const options`.
  format: "esm",
  // Neither Node nor a browser: no node:* shims, no browser fields; k6 is its own runtime.
  platform: "neutral",
  // k6 v2's JS engine (Sobek) runs ES2020 syntax; newer syntax is lowered.
  target: "es2020",
  // k6 provides these at run time; bundling them is impossible (they are Go modules).
  external: ["k6", "k6/*"],
  // Readable output: k6 stack traces and reviewers see the scenario as written.
  minify: false,
  // Script errors point at the source line; k6 reads inline source maps.
  sourcemap: "inline",
  plugins: [SLOGATE_K6_PLUGIN],
  // We write the file ourselves, atomically.
  write: false,
  logLevel: "silent",
};

/** Scenario names, sorted: every `scenarios/*.ts` (its helpers live in scenarios/lib). */
export function listScenarios(): string[] {
  return readdirSync(SCENARIOS_DIR, { withFileTypes: true })
    .filter(
      (entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"),
    )
    .map((entry) => entry.name.slice(0, -".ts".length))
    .sort();
}

/**
 * Bundles one scenario and its helpers into a single ES module that imports
 * only k6's own modules, for `k6 run`. `scenario` is a bundled name (`load`)
 * or a path to the user's own `.ts` or `.js` file (isScenarioPath); a
 * TypeScript file is type-checked first, and its npm dependencies are
 * inlined from its own node_modules.
 * @throws ConfigError SCENARIO_UNKNOWN listing the names there are,
 *   SCENARIO_TYPE_ERROR with the first type error's file:line:col, or
 *   SCENARIO_BUILD_FAILED naming the file and line esbuild stopped at.
 */
export async function bundleScenario(
  scenario: string,
  options: BundleScenarioOptions = {},
): Promise<BundleScenarioResult> {
  if (isScenarioPath(scenario)) return bundleScenarioFile(scenario, options);
  const name = scenario;
  const available = listScenarios();
  if (!available.includes(name)) {
    throw new ConfigError(
      "SCENARIO_UNKNOWN",
      `unknown scenario '${name}'; available: ${available.join(", ")} (or a path to your own .ts or .js file, e.g. ./scenarios/checkout.ts)`,
    );
  }
  const entryPoint = path.join(SCENARIOS_DIR, `${name}.ts`);
  const scriptPath = path.join(options.outDir ?? SCENARIO_BUILD_DIR, `${name}.js`);
  const code = await buildScript(
    {
      entryPoints: [entryPoint],
      outfile: scriptPath,
      // The type check's settings (verbatimModuleSyntax decides which imports stay); types are
      // checked by `tsc -p scenarios/tsconfig.json`, esbuild only strips them.
      tsconfig: path.join(SCENARIOS_DIR, "tsconfig.json"),
    },
    `scenario '${name}'`,
    PROJECT_ROOT,
  );
  return { scriptPath: writeScript(scriptPath, code), name };
}

/** A user's scenario file: checked, type-checked when TypeScript, bundled with its dependencies. */
async function bundleScenarioFile(
  given: string,
  options: BundleScenarioOptions,
): Promise<BundleScenarioResult> {
  const cwd = options.cwd ?? process.cwd();
  const file = path.resolve(cwd, given);
  const extension = path.extname(file);
  const isFile = statSync(file, { throwIfNoEntry: false })?.isFile() === true;
  if (!isFile) {
    throw new ConfigError(
      "SCENARIO_UNKNOWN",
      `no scenario file '${given}' (${file}); give the path of your .ts or .js scenario, or a bundled scenario: ${listScenarios().join(", ")}`,
    );
  }
  const isTypeScript = TYPESCRIPT_EXTENSIONS.includes(extension);
  if (!isTypeScript && !JAVASCRIPT_EXTENSIONS.includes(extension)) {
    throw new ConfigError(
      "SCENARIO_UNKNOWN",
      `scenario file '${given}' is neither TypeScript nor JavaScript; give a ${[...TYPESCRIPT_EXTENSIONS, ...JAVASCRIPT_EXTENSIONS].join(", ")} file`,
    );
  }
  if (isTypeScript) await typecheckScenario(file, cwd);
  const name = deriveScenarioName(file);
  // One directory per scenario file, reused by every run of it: no temp dir
  // piles up. In the per-user cache, not the shared temp dir, where another
  // user could prepare the path and swap the script before k6 runs it.
  const key = createHash("sha256").update(file).digest("hex").slice(0, 12);
  const outDir = options.outDir ?? path.join(resolveCacheDir().dir, "scenarios", key);
  const scriptPath = path.join(outDir, `${name}.js`);
  const code = await buildScript(
    {
      entryPoints: [file],
      outfile: scriptPath,
      // Packages from the scenario's own node_modules: ES module builds first, then CommonJS
      // ones (k6 runs either once inlined). Neutral has no default main fields.
      mainFields: ["module", "main"],
      // Each file gets the nearest tsconfig.json esbuild finds for it (the user's, or none).
    },
    `scenario '${given}'`,
    cwd,
  );
  return { scriptPath: writeScript(scriptPath, code), name };
}

/** The bundle's code; `entry.outfile` is where it will be written (source map paths are relative to it). */
async function buildScript(
  entry: BuildOptions & { outfile: string },
  what: string,
  displayBase: string,
): Promise<string> {
  try {
    const result = await build({ ...COMMON_BUILD, ...entry });
    const output = result.outputFiles?.[0];
    if (output === undefined) {
      throw new ConfigError(
        "SCENARIO_BUILD_FAILED",
        `cannot bundle ${what}: esbuild produced no output`,
      );
    }
    return output.text;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      "SCENARIO_BUILD_FAILED",
      `cannot bundle ${what}: ${describeBuildError(error, displayBase)}`,
      { cause: error },
    );
  }
}

/** Writes then renames: a k6 started by a parallel run never reads half a script. */
function writeScript(scriptPath: string, code: string): string {
  mkdirSync(path.dirname(scriptPath), { recursive: true });
  const tmp = `${scriptPath}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, code);
    renameSync(tmp, scriptPath);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  return scriptPath;
}

function describeBuildError(error: unknown, displayBase: string): string {
  const errors: Message[] = (error as Partial<BuildFailure>).errors ?? [];
  const first = errors[0];
  if (first === undefined) return error instanceof Error ? error.message : String(error);
  const where = first.location
    ? `${displayPath(first.location.file, displayBase)}:${first.location.line}:${first.location.column + 1}: `
    : "";
  const more = errors.length - 1;
  return `${where}${first.text}${more > 0 ? ` (and ${more} more)` : ""}`;
}
