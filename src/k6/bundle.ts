import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build, type BuildFailure, type Message } from "esbuild";
import { ConfigError } from "../errors.js";
import { PROJECT_ROOT } from "./provision.js";

/** Where the TypeScript scenarios live: `<project>/scenarios/<name>.ts`. */
export const SCENARIOS_DIR = path.join(PROJECT_ROOT, "scenarios");

/** Default output directory (git-ignored). */
export const SCENARIO_BUILD_DIR = path.join(SCENARIOS_DIR, "build");

export interface BundleScenarioOptions {
  /** Where `<name>.js` is written; scenarios/build by default. */
  outDir?: string;
}

export interface BundleScenarioResult {
  /** The bundled script, ready for `k6 run`. */
  scriptPath: string;
  name: string;
}

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
 * Bundles one scenario and its scenarios/lib helpers into a single ES module
 * that imports only k6's own modules, for `k6 run`.
 * @throws ConfigError SCENARIO_UNKNOWN listing the names there are, or
 *   SCENARIO_BUILD_FAILED naming the file and line esbuild stopped at.
 */
export async function bundleScenario(
  name: string,
  options: BundleScenarioOptions = {},
): Promise<BundleScenarioResult> {
  const available = listScenarios();
  if (!available.includes(name)) {
    throw new ConfigError(
      "SCENARIO_UNKNOWN",
      `unknown scenario '${name}'; available: ${available.join(", ")}`,
    );
  }
  const entryPoint = path.join(SCENARIOS_DIR, `${name}.ts`);
  const outDir = options.outDir ?? SCENARIO_BUILD_DIR;
  const scriptPath = path.join(outDir, `${name}.js`);

  let code: string;
  try {
    const result = await build({
      entryPoints: [entryPoint],
      // One file for k6: the helpers in scenarios/lib are inlined.
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
      // Script errors point at the .ts line; k6 reads inline source maps.
      sourcemap: "inline",
      // The type check's settings (verbatimModuleSyntax decides which imports stay); types are
      // checked by `tsc -p scenarios/tsconfig.json`, esbuild only strips them.
      tsconfig: path.join(SCENARIOS_DIR, "tsconfig.json"),
      // We write the file ourselves, atomically.
      write: false,
      outfile: scriptPath,
      logLevel: "silent",
    });
    const output = result.outputFiles[0];
    if (output === undefined) {
      throw new ConfigError("SCENARIO_BUILD_FAILED", `${entryPoint}: esbuild produced no output`);
    }
    code = output.text;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      "SCENARIO_BUILD_FAILED",
      `cannot bundle scenario '${name}': ${describeBuildError(error)}`,
      { cause: error },
    );
  }

  mkdirSync(outDir, { recursive: true });
  // Write then rename: a k6 started by a parallel run never reads half a script.
  const tmp = `${scriptPath}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, code);
    renameSync(tmp, scriptPath);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  return { scriptPath, name };
}

function describeBuildError(error: unknown): string {
  const first: Message | undefined = (error as Partial<BuildFailure>).errors?.[0];
  if (first === undefined) return error instanceof Error ? error.message : String(error);
  const where = first.location
    ? `${path.relative(PROJECT_ROOT, path.resolve(first.location.file))}:${first.location.line}:${first.location.column + 1}: `
    : "";
  return `${where}${first.text}`;
}
