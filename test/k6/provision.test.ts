import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureK6, probeK6Version, readPinnedK6Version } from "../../src/k6/provision.js";

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), "slogate-provision-"));
}

/** A stand-in that only answers `version` the way another k6 major would. */
function fakeK6(version: string): string {
  const file = path.join(tempDir(), "k6");
  writeFileSync(file, `#!/bin/sh\necho "k6 ${version} (go1.22, linux/amd64)"\n`);
  chmodSync(file, 0o755);
  return file;
}

describe("k6 provisioning", () => {
  it("reads the pin from tools/k6/go.mod", () => {
    expect(readPinnedK6Version()).toBe("v2.2.0");
  });

  it("provides the pinned k6, which runs and reports that version", async () => {
    const k6 = await ensureK6();
    expect(k6.version).toBe("v2.2.0");
    expect(probeK6Version(k6.path)).toBe("v2.2.0");
  });

  it("rejects a K6_BINARY that is not k6", async () => {
    await expect(
      ensureK6({ env: { PATH: process.env.PATH, K6_BINARY: "/bin/false" } }),
    ).rejects.toMatchObject({ code: "K6_BINARY_INVALID" });
  });

  it("rejects a K6_BINARY of another major", async () => {
    await expect(
      ensureK6({ env: { PATH: process.env.PATH, K6_BINARY: fakeK6("v1.4.2") } }),
    ).rejects.toMatchObject({ code: "K6_BINARY_MAJOR" });
  });

  it("ignores a k6 of another major on PATH and uses the pinned one", async () => {
    const other = path.dirname(fakeK6("v0.57.0"));
    const k6 = await ensureK6({ env: { PATH: `${other}:${process.env.PATH ?? ""}` } });
    expect(k6.version).toBe("v2.2.0");
    expect(k6.path.startsWith(other)).toBe(false);
  });

  it("says what to install when there is neither k6 nor Go", async () => {
    const error = await ensureK6({
      env: { PATH: tempDir() },
      toolsDir: tempDir(),
      log: () => {},
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "K6_NO_GO" });
    expect(String((error as Error).message)).toMatch(/install Go/);
  });
});
