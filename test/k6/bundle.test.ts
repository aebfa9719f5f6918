import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bundleScenario, listScenarios } from "../../src/k6/bundle.js";
import { PROJECT_ROOT } from "../../src/k6/provision.js";
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
