import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveCacheDir } from "../../src/k6/provision.js";

/** tools/actionlint/go.mod (with go.sum) pins actionlint, as tools/k6 pins k6. */
export const ACTIONLINT_MODULE_DIR = fileURLToPath(
  new URL("../../tools/actionlint", import.meta.url),
);
const ACTIONLINT_PACKAGE = "github.com/rhysd/actionlint/cmd/actionlint";

export function readPinnedActionlintVersion(): string {
  const goMod = readFileSync(path.join(ACTIONLINT_MODULE_DIR, "go.mod"), "utf8");
  const version = /^\s*(?:require\s+)?github\.com\/rhysd\/actionlint\s+(v\S+)/m.exec(goMod)?.[1];
  if (version === undefined) {
    throw new Error(
      `${ACTIONLINT_MODULE_DIR}/go.mod: no 'require github.com/rhysd/actionlint vX.Y.Z' line`,
    );
  }
  return version;
}

/**
 * The pinned actionlint, built from its Go module the first time into the
 * per-user cache beside k6 (`<cache>/actionlint-<version>`). A missing Go or a
 * failed build throws with go's own output: the tests that need it fail, they
 * do not skip.
 */
export async function ensureActionlint(): Promise<string> {
  const version = readPinnedActionlintVersion();
  const binary = path.join(resolveCacheDir().dir, `actionlint-${version}`);
  if (existsSync(binary)) {
    const probe = spawnSync(binary, ["-version"], { encoding: "utf8", timeout: 15_000 });
    if (probe.status === 0 && probe.stdout.split("\n")[0]?.trim() === version) return binary;
    rmSync(binary, { force: true });
  }
  mkdirSync(path.dirname(binary), { recursive: true });
  const partial = `${binary}.tmp-${process.pid}`;
  const { code, output } = await new Promise<{ code: number; output: string }>(
    (resolve, reject) => {
      const child = spawn("go", ["build", "-trimpath", "-o", partial, ACTIONLINT_PACKAGE], {
        cwd: ACTIONLINT_MODULE_DIR,
        env: {
          ...process.env,
          GOFLAGS: `${process.env.GOFLAGS ?? ""} -mod=mod`.trim(),
          CGO_ENABLED: "0",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
      child.on("error", (error) =>
        reject(
          new Error(
            `cannot run go to build actionlint ${version}: ${error.message}; install Go >= 1.25`,
          ),
        ),
      );
      child.on("close", (status) => resolve({ code: status ?? 1, output: text }));
    },
  );
  if (code !== 0) {
    rmSync(partial, { force: true });
    throw new Error(`go build of actionlint ${version} failed (exit ${code}):\n${output}`);
  }
  renameSync(partial, binary);
  return binary;
}

export interface ActionlintResult {
  code: number | null;
  output: string;
}

/** Runs actionlint in `cwd` (a git work tree: it finds .github/workflows there) on `files`. */
export function runActionlint(binary: string, cwd: string, files: string[] = []): ActionlintResult {
  // -shellcheck= and -pyflakes= : the same checks on every machine, whether or
  // not those linters happen to be on PATH (actionlint runs them when found).
  const result = spawnSync(binary, ["-no-color", "-shellcheck=", "-pyflakes=", ...files], {
    cwd,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}
