import { describe, expect, it } from "vitest";
import {
  formatAuthorization,
  parsePrometheusHeaders,
  resolvePrometheusAuth,
  type PrometheusAuthSettings,
} from "../../../src/sources/prometheus/auth.js";

const files: Record<string, string> = { "/run/token": "tok-from-file\n", "/run/empty": "\n" };
const readFile = (file: string): string => {
  const content = files[file];
  if (content === undefined) throw Object.assign(new Error("missing"), { code: "ENOENT" });
  return content;
};
const env = { PROM_TOKEN: "tok-from-env", PROM_PASSWORD: "pw", EMPTY: "" };

describe("resolvePrometheusAuth", () => {
  it.each<[string, PrometheusAuthSettings, string | undefined]>([
    ["none", { kind: "none" }, undefined],
    ["bearer from env", { kind: "bearer", tokenEnv: "PROM_TOKEN" }, "Bearer tok-from-env"],
    [
      "bearer from a file, newline trimmed",
      { kind: "bearer", tokenFile: "/run/token" },
      "Bearer tok-from-file",
    ],
    // base64("me:pw") worked out by hand: bWU6cHc=
    [
      "basic from env",
      { kind: "basic", username: "me", passwordEnv: "PROM_PASSWORD" },
      "Basic bWU6cHc=",
    ],
  ])("%s", (_name, settings, header) => {
    expect(formatAuthorization(resolvePrometheusAuth(settings, { env, readFile }))).toBe(header);
  });

  it.each<[string, PrometheusAuthSettings, RegExp]>([
    ["unset variable", { kind: "bearer", tokenEnv: "NOPE" }, /NOPE is unset or empty/],
    ["empty variable", { kind: "bearer", tokenEnv: "EMPTY" }, /EMPTY is unset or empty/],
    ["missing file", { kind: "bearer", tokenFile: "/run/missing" }, /\/run\/missing \(ENOENT\)/],
    ["empty file", { kind: "bearer", tokenFile: "/run/empty" }, /\/run\/empty is empty/],
    [
      "both sources",
      { kind: "bearer", tokenEnv: "PROM_TOKEN", tokenFile: "/run/token" },
      /exactly one/,
    ],
    ["neither source", { kind: "basic", username: "me" }, /exactly one of passwordEnv/],
  ])("%s is a config error that names where, not what", (_name, settings, message) => {
    let thrown: unknown;
    try {
      resolvePrometheusAuth(settings, { env, readFile });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: expect.stringMatching(/^PROMETHEUS_AUTH_/) as string });
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toMatch(/tok-from|pw\b/);
  });
});

describe("parsePrometheusHeaders", () => {
  it("reads Name: value pairs", () => {
    expect(parsePrometheusHeaders(["X-Scope-OrgID: team-a", "X-Extra:  a:b "])).toEqual({
      "X-Scope-OrgID": "team-a",
      "X-Extra": "a:b",
    });
  });

  it.each(["no colon", ": empty name", "Bad Name: x", "authorization: Bearer x"])(
    "rejects %j",
    (flag) => {
      expect(() => parsePrometheusHeaders([flag])).toThrow(
        expect.objectContaining({ code: "PROMETHEUS_HEADER_INVALID" }),
      );
    },
  );
});
