import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { init } from "../../src/commands/init.js";
import { loadProfile } from "../../src/sources/load-profile.js";
import { runCli } from "../e2e/cli.js";

const TEMPLATES = fileURLToPath(new URL("../../templates/init", import.meta.url));

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "slogate-init-"));
  made.push(dir);
  return dir;
}

/** Every file under dir, relative with `/`, read straight from the disk. */
function readTree(dir: string): Map<string, Buffer> {
  const tree = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    tree.set(path.relative(dir, file).split(path.sep).join("/"), readFileSync(file));
  }
  return tree;
}

describe("slogate init", () => {
  const templates = readTree(TEMPLATES);

  it("ships a scaffold with slo.yaml in it", () => {
    expect([...templates.keys()]).toContain("slo.yaml");
  });

  it("copies every template file into a fresh folder, relative paths kept", () => {
    const dir = path.join(tempDir(), "new-project");
    const result = init({ dir });
    expect(result.dir).toBe(dir);
    expect(result.kept).toEqual([]);
    expect([...result.written].sort()).toEqual([...templates.keys()].sort());
    expect(readTree(dir)).toEqual(templates);
  });

  it("copies nested folders and dot-files of any scaffold as they are", () => {
    const scaffold = tempDir();
    const files = {
      "slo.yaml": "version: 1\n",
      "scenarios/smoke.ts": "export default function () {}\n",
      "scenarios/lib/util.ts": "export const x = 1;\n",
      ".github/workflows/slo.yml": "on: push\n",
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(scaffold, file)), { recursive: true });
      writeFileSync(path.join(scaffold, file), text);
    }
    const dir = tempDir();
    const result = init({ dir, templatesDir: scaffold });
    expect([...result.written].sort()).toEqual(Object.keys(files).sort());
    expect(readTree(dir)).toEqual(
      new Map(Object.entries(files).map(([file, text]) => [file, Buffer.from(text)])),
    );
    // Only top-level scenarios get a `run` line.
    expect(result.nextSteps.filter((step) => step.includes("slogate run "))).toEqual([
      "npx slogate run scenarios/smoke.ts --target http://localhost:8080   # your service's URL",
    ]);
  });

  it("overwrites nothing on a second run and lists every file as kept", () => {
    const dir = tempDir();
    init({ dir });
    // The user has made slo.yaml their own in between.
    const own = "# mine\n" + readFileSync(path.join(dir, "slo.yaml"), "utf8");
    writeFileSync(path.join(dir, "slo.yaml"), own);
    const before = readTree(dir);

    const again = init({ dir });
    expect(again.written).toEqual([]);
    expect([...again.kept].sort()).toEqual([...templates.keys()].sort());
    expect(readTree(dir)).toEqual(before);
    expect(readFileSync(path.join(dir, "slo.yaml"), "utf8")).toBe(own);
  });

  it("fills in what is missing next to the user's own files", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "slo.yaml"), "version: 1\nname: theirs\n");
    mkdirSync(path.join(dir, "other"));
    writeFileSync(path.join(dir, "other", "keep.txt"), "untouched");

    const result = init({ dir });
    expect(result.kept).toEqual(["slo.yaml"]);
    expect(result.written.length).toBe(templates.size - 1);
    expect(readFileSync(path.join(dir, "slo.yaml"), "utf8")).toBe("version: 1\nname: theirs\n");
    expect(readFileSync(path.join(dir, "other", "keep.txt"), "utf8")).toBe("untouched");
  });

  it("writes a slo.yaml that check, run and capacity pick up as the project's profile", () => {
    const dir = tempDir();
    init({ dir });
    const loaded = loadProfile(undefined, { cwd: dir });
    expect(loaded.chosenBy).toBe("project");
    expect(loaded.file).toBe(path.join(dir, "slo.yaml"));
    expect(loaded.profile.name).toBe("my-service");
    const mandatory = loaded.profile.objectives.filter((o) => o.mandatory).map((o) => o.id);
    expect(mandatory).toEqual(["latency_p95", "error_rate"]);
    // Capacity's reference-service default gives way to the project's profile too.
    expect(loadProfile(undefined, { cwd: dir, fallback: "products-api" }).profile.name).toBe(
      "my-service",
    );
  });

  it("refuses a --dir that is a file, in one line", () => {
    const file = path.join(tempDir(), "not-a-dir");
    writeFileSync(file, "");
    expect(() => init({ dir: file })).toThrow(
      expect.objectContaining({
        code: "INIT_DIR_INVALID",
        message: `--dir ${file}: is a file, not a directory`,
      }),
    );
  });

  it("from the built CLI: lists what it wrote, then what it kept, and the next commands", async () => {
    const cwd = tempDir();
    const first = await runCli(["init"], { cwd });
    expect(first.code, first.stderr).toBe(0);
    for (const file of templates.keys()) expect(first.stdout).toContain(`wrote ${file}\n`);
    expect(first.stdout).not.toContain("kept");
    expect(first.stdout).toMatch(/^next:$/m);
    expect(first.stdout).toContain("npx slogate setup");
    expect(first.stdout).toContain("npx slogate check --k6 ");

    const second = await runCli(["init", "--dir", "."], { cwd });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toContain("wrote ");
    for (const file of templates.keys()) expect(second.stdout).toContain(`kept  ${file} (exists`);
    expect(readTree(cwd)).toEqual(templates);
  });
});
