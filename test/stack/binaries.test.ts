import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DependencyError } from "../../src/errors.js";
import { findBinary, isExecutable, whichBinary } from "../../src/stack/binaries.js";

// A tree of real files: `tool` scripts that say "good" or "bad", one not
// executable, one a directory. The probe reads the file; nothing is spawned.
let root: string;
const dir = (name: string) => path.join(root, name);

function writeTool(folder: string, content: string, mode = 0o755): void {
  mkdirSync(dir(folder), { recursive: true });
  const file = path.join(dir(folder), "tool");
  writeFileSync(file, `#!/bin/sh\n# ${content}\n`);
  chmodSync(file, mode);
}

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "slogate-binaries-"));
  writeTool("good", "good");
  writeTool("good2", "good");
  writeTool("bad", "bad");
  writeTool("plain", "good", 0o644);
  mkdirSync(path.join(root, "folder", "tool"), { recursive: true });
  mkdirSync(dir("empty"), { recursive: true });
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const probe = (file: string) => (readFileSync(file, "utf8").includes("good") ? "v1" : null);
const pathOf = (...folders: string[]) => folders.map(dir).join(path.delimiter);

describe("isExecutable and whichBinary", () => {
  it.each([
    { name: "an executable file", folders: ["good"], expected: "good" },
    {
      name: "the first PATH entry that has it",
      folders: ["empty", "bad", "good"],
      expected: "bad",
    },
    { name: "not a file without the x bit", folders: ["plain", "good2"], expected: "good2" },
    { name: "not a directory of that name", folders: ["folder"], expected: null },
    { name: "nothing on an empty PATH", folders: [], expected: null },
  ])("$name", ({ folders, expected }) => {
    const found = whichBinary("tool", { PATH: pathOf(...folders) });
    expect(found).toBe(expected === null ? null : path.join(dir(expected), "tool"));
  });

  it("isExecutable is false for a missing file", () => {
    expect(isExecutable(path.join(root, "nope"))).toBe(false);
  });
});

describe("findBinary", () => {
  const tool = (folder: string) => path.join(dir(folder), "tool");
  it.each([
    {
      name: "the variable wins over PATH",
      env: () => ({ PATH: pathOf("good"), TOOL_BINARY: tool("good2") }),
      candidates: [],
      expected: { folder: "good2", source: "TOOL_BINARY" },
    },
    {
      name: "an empty variable counts as unset",
      env: () => ({ PATH: pathOf("good"), TOOL_BINARY: "" }),
      candidates: [],
      expected: { folder: "good", source: "PATH" },
    },
    {
      name: "PATH before the candidates",
      env: () => ({ PATH: pathOf("good") }),
      candidates: ["good2"],
      expected: { folder: "good", source: "PATH" },
    },
    {
      name: "a PATH binary the probe rejects falls through to a candidate",
      env: () => ({ PATH: pathOf("bad") }),
      candidates: ["bad", "plain", "good2"],
      expected: { folder: "good2", source: "known" },
    },
    {
      name: "null when nothing passes",
      env: () => ({ PATH: pathOf("bad", "plain") }),
      candidates: ["folder", "empty"],
      expected: null,
    },
  ])("$name", ({ env, candidates, expected }) => {
    const found = findBinary({
      name: "tool",
      env: env(),
      envVar: "TOOL_BINARY",
      candidates: candidates.map((folder) => ({ path: tool(folder), source: "known" })),
      probe,
    });
    expect(found).toEqual(
      expected === null
        ? null
        : { path: tool(expected.folder), source: expected.source, details: "v1" },
    );
  });

  it("a variable naming the directory finds the binary in it", () => {
    const found = findBinary({
      name: "tool",
      env: { PATH: "", TOOL_DIR: dir("good2") },
      envVar: "TOOL_DIR",
      envIsDir: true,
      probe,
    });
    expect(found).toEqual({ path: tool("good2"), source: "TOOL_DIR", details: "v1" });
  });

  it.each([
    {
      name: "rejected by the probe",
      value: () => tool("bad"),
      describeInvalidEnv: (file: string) => `does not run as tool ('${file} -v' failed)`,
      message: (file: string) =>
        `TOOL_BINARY=${file} does not run as tool ('${file} -v' failed); fix the path or unset TOOL_BINARY`,
    },
    {
      name: "not executable, default wording",
      value: () => tool("plain"),
      describeInvalidEnv: undefined,
      message: (file: string) =>
        `TOOL_BINARY=${file} is not a working tool; fix the path or unset TOOL_BINARY`,
    },
  ])(
    "a variable's binary $name is an error, not a fall-back",
    ({ value, describeInvalidEnv, message }) => {
      const file = value();
      const run = () =>
        findBinary({
          name: "tool",
          env: { PATH: pathOf("good"), TOOL_BINARY: file },
          envVar: "TOOL_BINARY",
          ...(describeInvalidEnv ? { describeInvalidEnv } : {}),
          probe,
        });
      expect(run).toThrow(DependencyError);
      expect(run).toThrow(
        expect.objectContaining({ code: "TOOL_BINARY_INVALID", message: message(file) }),
      );
    },
  );

  it("the probe learns where each candidate came from", () => {
    const seen: string[] = [];
    findBinary({
      name: "tool",
      env: { PATH: pathOf("bad") },
      candidates: [{ path: tool("good"), source: "cache" }],
      probe: (file, source) => {
        seen.push(`${source}:${path.basename(path.dirname(file))}`);
        return probe(file);
      },
    });
    expect(seen).toEqual(["PATH:bad", "cache:good"]);
  });
});
