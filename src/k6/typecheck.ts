import { existsSync } from "node:fs";
import path from "node:path";
import type TypeScript from "typescript";
import { ConfigError } from "../errors.js";
import { PROJECT_ROOT } from "./provision.js";

/** The source of `slogate/k6`, the helpers a scenario imports (published compiled as dist/k6). */
export const SLOGATE_K6_ENTRY = path.join(PROJECT_ROOT, "scenarios", "lib", "index.ts");

/** Compiler options for a scenario with no tsconfig.json of its own: slogate's scenarios' (strict, k6 types, no Node). */
export const DEFAULT_SCENARIO_TSCONFIG = path.join(PROJECT_ROOT, "scenarios", "tsconfig.json");

type Ts = typeof TypeScript;

/**
 * Type-checks one TypeScript scenario as `tsc --noEmit` would (k6 strips
 * types but never checks them): with the nearest tsconfig.json above the
 * file, else slogate's scenario settings. `slogate/k6` is the running
 * slogate's helpers, and k6's types are slogate's own @types/k6 when the
 * scenario's project has none. Problems inside slogate's helpers are not the
 * user's and are left out.
 * @throws ConfigError SCENARIO_TYPE_ERROR with the first error as
 *   `file:line:col: message` and how many more there are, or
 *   SCENARIO_TSCONFIG_INVALID naming the tsconfig.json.
 */
export async function typecheckScenario(file: string, cwd = process.cwd()): Promise<void> {
  // Loaded only here: the compiler is large and most commands never need it.
  const ts = (await import("typescript")).default;
  const configPath =
    ts.findConfigFile(path.dirname(file), (name) => ts.sys.fileExists(name)) ??
    DEFAULT_SCENARIO_TSCONFIG;
  const options = readCompilerOptions(ts, configPath, cwd);
  linkSlogateModules(ts, options, path.dirname(file), configPath);

  const program = ts.createProgram({ rootNames: [file], options });
  const libDir = path.dirname(SLOGATE_K6_ENTRY) + path.sep;
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((item) => item.category === ts.DiagnosticCategory.Error)
    .filter((item) => !(item.file && path.resolve(item.file.fileName).startsWith(libDir)));
  const first = problems[0];
  if (first === undefined) return;
  const more = problems.length - 1;
  throw new ConfigError(
    "SCENARIO_TYPE_ERROR",
    `${describeDiagnostic(ts, first, configPath, cwd)}${more > 0 ? ` (and ${more} more type error${more === 1 ? "" : "s"})` : ""}`,
  );
}

function readCompilerOptions(ts: Ts, configPath: string, cwd: string): TypeScript.CompilerOptions {
  const read = ts.readConfigFile(configPath, (name) => ts.sys.readFile(name));
  if (read.error) {
    throw new ConfigError(
      "SCENARIO_TSCONFIG_INVALID",
      describeDiagnostic(ts, read.error, configPath, cwd),
    );
  }
  const parsed = ts.parseJsonConfigFileContent(
    read.config,
    ts.sys,
    path.dirname(configPath),
    undefined,
    configPath,
  );
  // 18003: its `include` matches no file; only the scenario is checked here anyway.
  const error = parsed.errors.find((item) => item.code !== 18003);
  if (error) {
    throw new ConfigError(
      "SCENARIO_TSCONFIG_INVALID",
      describeDiagnostic(ts, error, configPath, cwd),
    );
  }
  return {
    ...parsed.options,
    noEmit: true,
    // Build-mode settings that conflict with noEmit; nothing is written.
    composite: false,
    incremental: false,
    declaration: false,
    emitDeclarationOnly: false,
  };
}

/** Points `slogate/k6`, and `k6` when the project has no @types/k6, at slogate's own. */
function linkSlogateModules(
  ts: Ts,
  options: TypeScript.CompilerOptions,
  scenarioDir: string,
  configPath: string,
): void {
  const paths: TypeScript.MapLike<string[]> = {
    ...options.paths,
    "slogate/k6": [SLOGATE_K6_ENTRY],
  };
  const ownTypes = findUp(scenarioDir, path.join("node_modules", "@types", "k6", "index.d.ts"));
  const slogateTypes = findUp(
    PROJECT_ROOT,
    path.join("node_modules", "@types", "k6", "index.d.ts"),
  );
  if (ownTypes === null && slogateTypes !== null) {
    const typesDir = path.dirname(slogateTypes);
    paths.k6 = [slogateTypes];
    paths["k6/*"] = [path.join(typesDir, "*")];
    const host = {
      directoryExists: (name: string) => ts.sys.directoryExists(name),
      getCurrentDirectory: () => scenarioDir,
    };
    const roots = ts.getEffectiveTypeRoots(options, host) ?? [];
    options.typeRoots = [...roots, path.dirname(typesDir)];
  }
  options.paths = paths;
  options.pathsBasePath ??= path.dirname(configPath);
}

/** `<dir>/<relative>` in `start` or the nearest ancestor that has it; null when none does. */
function findUp(start: string, relative: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** `file:line:col: message` on one line; a problem with no file is put on the tsconfig. */
function describeDiagnostic(
  ts: Ts,
  diagnostic: TypeScript.Diagnostic,
  configPath: string,
  cwd: string,
): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ").replace(/\s+/g, " ");
  if (diagnostic.file === undefined || diagnostic.start === undefined) {
    return `${displayPath(configPath, cwd)}: ${message}`;
  }
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${displayPath(diagnostic.file.fileName, cwd)}:${line + 1}:${character + 1}: ${message}`;
}

/** Relative to the working directory when the file is under it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, path.resolve(file));
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative)
    ? path.resolve(file)
    : relative;
}
