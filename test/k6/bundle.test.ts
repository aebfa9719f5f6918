import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bundleScenario, isScenarioPath, listScenarios } from "../../src/k6/bundle.js";
import { ensureK6, PROJECT_ROOT } from "../../src/k6/provision.js";
import { ConfigError } from "../../src/errors.js";

// The scenarios the project promises (see the scenario env contract); the
// list is written out here, not read from the code under test.
const PROMISED = ["breakpoint", "journey", "load", "ratelimit", "smoke", "soak", "spike", "stress"];

/** Every module specifier the bundled script imports, static or dynamic. */
function findImports(code: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /^\s*import\s[^;]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /^\s*export\s[^;]*?\bfrom\s*["']([^"']+)["']/gm,
    /\bimport\s*\(\s*["']([^"']+)["']/g,
    /\brequire\s*\(\s*["']([^"']+)["']/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) specifiers.push(match[1] ?? "");
  }
  return specifiers;
}

describe("listScenarios", () => {
  it("lists every promised scenario and no helper module", () => {
    const names = listScenarios();
    expect(names).toEqual(expect.arrayContaining(PROMISED));
    expect(names).not.toContain("lib");
    expect(names).toEqual([...names].sort());
  });
});

describe("bundleScenario", () => {
  const outDir = mkdtempSync(path.join(tmpdir(), "slogate-bundle-"));

  it.each(PROMISED)("bundles %s into plain JavaScript importing only k6", async (name) => {
    const result = await bundleScenario(name, { outDir });
    expect(result).toEqual({ name, scriptPath: path.join(outDir, `${name}.js`) });
    const code = readFileSync(result.scriptPath, "utf8");

    // Node's own parser, as an ES module: a type annotation, `interface` or
    // `import type` left behind is a syntax error there.
    const syntax = spawnSync(process.execPath, ["--check", "--input-type=module"], {
      input: code,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(syntax.stderr).toBe("");
    expect(syntax.status).toBe(0);

    const imports = findImports(code);
    expect(imports).toContain("k6/http");
    for (const specifier of imports) expect(specifier).toMatch(/^k6(\/[a-z0-9/-]+)?$/);
    expect(code).not.toMatch(/\bnode:/);
    // k6 reads these named exports; esbuild must not have renamed or dropped them.
    expect(code).toMatch(/export\s*\{[^}]*\boptions\b/);
    expect(code).toMatch(/export\s*\{[^}]*\bas default\b|export default/);
  });

  it("writes to scenarios/build by default", async () => {
    const result = await bundleScenario("smoke");
    expect(result.scriptPath).toBe(path.join(PROJECT_ROOT, "scenarios", "build", "smoke.js"));
    expect(readFileSync(result.scriptPath, "utf8")).toContain("k6/http");
  });

  it.each(["nope", "../smoke", "lib/env", "smoke.ts", ""])(
    "refuses %j with one line listing the names there are",
    async (name) => {
      const error: unknown = await bundleScenario(name, { outDir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      const { code, message } = error as ConfigError;
      expect(code).toBe("SCENARIO_UNKNOWN");
      expect(message).not.toContain("\n");
      expect(message).toContain(`'${name}'`);
      for (const known of PROMISED) expect(message).toContain(known);
    },
  );
});

describe("isScenarioPath", () => {
  it.each([
    ["load", false],
    ["smoke", false],
    ["./checkout.ts", true],
    ["scenarios/checkout", true],
    ["checkout.ts", true],
    ["checkout.js", true],
    ["checkout.mjs", true],
    ["/abs/checkout.ts", true],
  ])("%j → %s", (scenario, expected) => {
    expect(isScenarioPath(scenario)).toBe(expected);
  });
});

/**
 * A user's project in a temp dir, outside this repository: a local npm
 * package under node_modules/ (ES module with its own types) and scenarios
 * importing it and `slogate/k6`.
 */
function createUserProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "slogate-user-"));
  const files: Record<string, string> = {
    "node_modules/tiny-route/package.json": JSON.stringify({
      name: "tiny-route",
      version: "1.0.0",
      type: "module",
      main: "index.js",
      types: "index.d.ts",
    }),
    "node_modules/tiny-route/index.js":
      'export function itemPath(id) { return "/items/" + encodeURIComponent(String(id)) + "?from=tiny-route"; }\n',
    "node_modules/tiny-route/index.d.ts": "export function itemPath(id: number): string;\n",
    "scenarios/load.ts": [
      'import { itemPath } from "tiny-route";',
      "import {",
      "  buildOpenOptions, call, describeStandardPhases, readBaseUrl, readRate, readVuBudget,",
      "  recordOfferedRate,",
      '} from "slogate/k6";',
      "",
      "const baseUrl = readBaseUrl();",
      "const rate = readRate(5);",
      "export const options = buildOpenOptions(",
      '  "load",',
      "  describeStandardPhases(rate, { rampUp: 2, steady: 3, rampDown: 1 }),",
      "  readVuBudget(0.1),",
      ");",
      "export function setup(): void {",
      "  recordOfferedRate(rate);",
      "}",
      "export default function (): void {",
      '  call(baseUrl, "GET", itemPath(Math.ceil(Math.random() * 9)), { route: "/items/:id" });',
      "}",
      "",
    ].join("\n"),
    "scenarios/plain.js": [
      'import { itemPath } from "tiny-route";',
      'import { buildClosedOptions, call, readBaseUrl } from "slogate/k6";',
      "const baseUrl = readBaseUrl();",
      'export const options = buildClosedOptions("smoke", {',
      '  once: { executor: "per-vu-iterations", vus: 1, iterations: 1 },',
      "});",
      "export default function () {",
      '  call(baseUrl, "GET", itemPath(1), { route: "/items/:id" });',
      "}",
      "",
    ].join("\n"),
    // Line 4: a string where a number belongs; line 5: a call missing its options.
    "scenarios/broken.ts": [
      'import { call, readBaseUrl } from "slogate/k6";',
      "",
      "const baseUrl = readBaseUrl();",
      'const ratePerSecond: number = "fast";',
      'export default function (): void { call(baseUrl, "GET", `/items/${ratePerSecond}`); }',
      "",
    ].join("\n"),
    "scenarios/node-only.js":
      'import { readFileSync } from "node:fs";\nexport default function () { readFileSync("x"); }\n',
    // A project with its own tsconfig.json: its settings (here noUnusedLocals) apply.
    "strict/tsconfig.json": JSON.stringify({
      compilerOptions: {
        strict: true,
        noUnusedLocals: true,
        module: "ESNext",
        moduleResolution: "Bundler",
        target: "ES2020",
        lib: ["ES2020"],
        types: ["k6"],
      },
    }),
    "strict/unused.ts": [
      'import { readBaseUrl } from "slogate/k6";',
      "",
      "const baseUrl = readBaseUrl();",
      "export default function (): void {}",
      "",
    ].join("\n"),
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** k6's own reading of a bundled script's options (`k6 inspect`); no service is needed. */
function inspectWithK6(k6Path: string, scriptPath: string): Record<string, unknown> {
  const result = spawnSync(
    k6Path,
    ["inspect", "--execution-requirements", "-e", "BASE_URL=http://127.0.0.1:9", scriptPath],
    {
      encoding: "utf8",
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? "", K6_NO_USAGE_REPORT: "true" },
    },
  );
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe("bundleScenario with a user's scenario file", () => {
  const project = createUserProject();
  const outDir = mkdtempSync(path.join(tmpdir(), "slogate-user-out-"));
  const bundle = (file: string) => bundleScenario(file, { outDir, cwd: project });
  const failure = async (file: string): Promise<ConfigError> => {
    const error: unknown = await bundle(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  };

  it("type-checks a TypeScript scenario, inlines its npm package and slogate/k6, keeps k6 external", async () => {
    const result = await bundle("./scenarios/load.ts");
    expect(result).toEqual({ name: "load", scriptPath: path.join(outDir, "load.js") });
    const code = readFileSync(result.scriptPath, "utf8");
    for (const specifier of findImports(code)) expect(specifier).toMatch(/^k6(\/[a-z0-9/-]+)?$/);
    // The package's code and slogate's helpers are in the bundle itself.
    expect(code).toContain("?from=tiny-route");
    expect(code).toContain('"slogate_offered_rate"');
    expect(code).not.toMatch(/from\s*["'](tiny-route|slogate\/k6)["']/);

    // k6 loads it and reads the phases the helpers built, each tagged `phase`.
    const k6 = await ensureK6();
    const inspected = inspectWithK6(k6.path, result.scriptPath) as {
      scenarios: Record<string, { executor: string; tags: Record<string, string> | null }>;
    };
    expect(Object.keys(inspected.scenarios).sort()).toEqual(["ramp_down", "ramp_up", "steady"]);
    expect(inspected.scenarios.steady?.tags).toEqual({ phase: "steady" });
    expect(inspected.scenarios.steady?.executor).toBe("constant-arrival-rate");
    expect(inspected.scenarios.ramp_up?.tags).toEqual({ phase: "ramp-up" });
  });

  it("bundles a JavaScript scenario without a type check", async () => {
    const result = await bundle("scenarios/plain.js");
    expect(result.name).toBe("plain");
    const code = readFileSync(result.scriptPath, "utf8");
    expect(code).toContain("?from=tiny-route");
    for (const specifier of findImports(code)) expect(specifier).toMatch(/^k6(\/[a-z0-9/-]+)?$/);
    const syntax = spawnSync(process.execPath, ["--check", "--input-type=module"], {
      input: code,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(syntax.status, syntax.stderr).toBe(0);
  });

  it("reports a type error as one line file:line:col with the count of the others", async () => {
    const { code, message } = await failure("./scenarios/broken.ts");
    expect(code).toBe("SCENARIO_TYPE_ERROR");
    expect(message).not.toContain("\n");
    expect(message).toMatch(
      /^scenarios\/broken\.ts:4:7: Type 'string' is not assignable to type 'number'\. \(and 1 more type error\)$/,
    );
  });

  it("uses the scenario's nearest tsconfig.json", async () => {
    const { code, message } = await failure("strict/unused.ts");
    expect(code).toBe("SCENARIO_TYPE_ERROR");
    expect(message).toMatch(
      /^strict\/unused\.ts:3:7: 'baseUrl' is declared but its value is never read\.$/,
    );
  });

  it("names the import k6 cannot provide, with its file and line", async () => {
    const { code, message } = await failure("./scenarios/node-only.js");
    expect(code).toBe("SCENARIO_BUILD_FAILED");
    expect(message).not.toContain("\n");
    expect(message).toMatch(/scenarios\/node-only\.js:1:\d+: Could not resolve "node:fs"/);
  });

  it.each(["./scenarios/missing.ts", "./scenarios", "nothing/here.js"])(
    "refuses %j with one line naming the path",
    async (file) => {
      const { code, message } = await failure(file);
      expect(code).toBe("SCENARIO_UNKNOWN");
      expect(message).not.toContain("\n");
      expect(message).toContain(`'${file}'`);
      expect(message).toContain(path.resolve(project, file));
    },
  );
});
