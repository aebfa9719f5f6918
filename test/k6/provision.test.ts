import { chmodSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ensureK6,
  k6CachePath,
  probeK6Version,
  readPinnedK6Version,
  resolveCacheDir,
} from "../../src/k6/provision.js";

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
    // A build lives in the per-user cache, never inside the project or node_modules.
    if (k6.source === "cache" || k6.source === "built") {
      expect(k6.path).toBe(k6CachePath(resolveCacheDir().dir, "v2.2.0"));
    }
    expect(k6.path).not.toMatch(/node_modules/);
  });

  it.each([
    {
      name: "SLOGATE_CACHE_DIR wins over everything",
      env: { SLOGATE_CACHE_DIR: "/srv/cache", XDG_CACHE_HOME: "/xdg", HOME: "/home/u" },
      expected: { dir: "/srv/cache", from: "SLOGATE_CACHE_DIR" },
    },
    {
      name: "XDG_CACHE_HOME gets a slogate folder",
      env: { XDG_CACHE_HOME: "/xdg", HOME: "/home/u" },
      expected: { dir: "/xdg/slogate", from: "XDG_CACHE_HOME" },
    },
    {
      name: "a relative XDG_CACHE_HOME is ignored, as the XDG spec says",
      env: { XDG_CACHE_HOME: "cache", HOME: "/home/u" },
      expected: { dir: "/home/u/.cache/slogate", from: "home" },
    },
    {
      name: "otherwise ~/.cache/slogate",
      env: { HOME: "/home/u" },
      expected: { dir: "/home/u/.cache/slogate", from: "home" },
    },
  ])("cache dir: $name", ({ env, expected }) => {
    expect(resolveCacheDir(env)).toEqual(expected);
  });

  it("uses the build in SLOGATE_CACHE_DIR/k6-<version> when PATH has no k6", async () => {
    const built = await ensureK6();
    const cacheDir = tempDir();
    symlinkSync(realpathSync(built.path), path.join(cacheDir, "k6-v2.2.0"));
    // PATH is an empty folder: no k6 on it, and no Go to build one.
    const k6 = await ensureK6({
      env: { PATH: tempDir(), SLOGATE_CACHE_DIR: cacheDir },
      log: () => {},
    });
    expect(k6).toEqual({
      path: path.join(cacheDir, "k6-v2.2.0"),
      version: "v2.2.0",
      source: "cache",
    });
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
      cacheDir: tempDir(),
      log: () => {},
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "K6_NO_GO" });
    expect(String((error as Error).message)).toMatch(/install Go/);
  });
});
