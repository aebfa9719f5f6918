import { describe, expect, it } from "vitest";
import { describeK6Location, type SetupResult } from "../../src/commands/setup.js";

const k6 = (source: SetupResult["k6"]["source"], file: string): SetupResult["k6"] => ({
  path: file,
  version: "v2.2.0",
  source,
});

describe("what `slogate setup` says about k6", () => {
  it.each([
    {
      name: "a build in the default cache, and how to move it",
      result: {
        k6: k6("built", "/home/u/.cache/slogate/k6-v2.2.0"),
        cacheDir: { dir: "/home/u/.cache/slogate", from: "home" as const },
      },
      lines: [
        "k6 v2.2.0 (built): /home/u/.cache/slogate/k6-v2.2.0",
        "k6 build cache: /home/u/.cache/slogate (set SLOGATE_CACHE_DIR or XDG_CACHE_HOME to move it)",
        "set K6_BINARY to run another k6 of the same major version",
      ],
    },
    {
      name: "a cache chosen by SLOGATE_CACHE_DIR",
      result: {
        k6: k6("cache", "/ci/cache/k6-v2.2.0"),
        cacheDir: { dir: "/ci/cache", from: "SLOGATE_CACHE_DIR" as const },
      },
      lines: [
        "k6 v2.2.0 (cache): /ci/cache/k6-v2.2.0",
        "k6 build cache: /ci/cache (set by SLOGATE_CACHE_DIR)",
        "set K6_BINARY to run another k6 of the same major version",
      ],
    },
    {
      name: "a k6 named by K6_BINARY, and how to go back to the cache",
      result: {
        k6: k6("K6_BINARY", "/usr/local/bin/k6"),
        cacheDir: { dir: "/xdg/slogate", from: "XDG_CACHE_HOME" as const },
      },
      lines: [
        "k6 v2.2.0 (K6_BINARY): /usr/local/bin/k6",
        "k6 build cache: /xdg/slogate (under XDG_CACHE_HOME; SLOGATE_CACHE_DIR overrides it)",
        "K6_BINARY names the k6 to run; unset it to use the cached build",
      ],
    },
  ])("$name", ({ result, lines }) => {
    expect(describeK6Location(result)).toEqual(lines);
  });
});
