import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors.js";
import { isLoopbackHost, parseHttpUrl, portOf, type HttpUrlRules } from "../src/url.js";
import { parseTargetUrl } from "../src/k6/preflight.js";
import { parsePrometheusUrl } from "../src/sources/prometheus/client.js";
import { scrapeTargetOf } from "../src/stack/prometheus/config.js";

const TARGET: HttpUrlRules = {
  what: "--target",
  code: "TARGET_INVALID",
  example: "http://127.0.0.1:8080",
};
const STRICT: HttpUrlRules = {
  what: "--serve-url",
  code: "ARGO_OPTION_INVALID",
  example: "http://slogate.slogate:8080",
  allowCredentials: false,
  credentialsHint: "use a Secret",
  allowQuery: false,
};

function thrown(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, nothing was thrown");
}

describe("parseHttpUrl accepts", () => {
  it.each([
    {
      name: "http with port",
      text: "http://127.0.0.1:8080",
      rules: TARGET,
      href: "http://127.0.0.1:8080/",
    },
    {
      name: "https with path",
      text: "https://prom.example/prom/",
      rules: TARGET,
      href: "https://prom.example/prom/",
    },
    { name: "IPv6 loopback", text: "http://[::1]:9090", rules: TARGET, href: "http://[::1]:9090/" },
    {
      name: "credentials when allowed",
      text: "http://u:p@h:1",
      rules: TARGET,
      href: "http://u:p@h:1/",
    },
    { name: "query when allowed", text: "http://h/x?a=1", rules: TARGET, href: "http://h/x?a=1" },
    {
      name: "path under strict rules",
      text: "http://s.ns:8080/base",
      rules: STRICT,
      href: "http://s.ns:8080/base",
    },
  ])("$name", ({ text, rules, href }) => {
    expect(parseHttpUrl(text, rules).href).toBe(href);
  });
});

describe("parseHttpUrl rejects in one line naming the flag, the value and the fix", () => {
  it.each([
    {
      name: "not a URL",
      text: "127.0.0.1:8080x",
      rules: TARGET,
      message: '--target "127.0.0.1:8080x" is not a URL; give e.g. http://127.0.0.1:8080',
    },
    {
      name: "empty",
      text: "",
      rules: TARGET,
      message: '--target "" is not a URL; give e.g. http://127.0.0.1:8080',
    },
    {
      name: "another scheme",
      text: "ftp://127.0.0.1",
      rules: TARGET,
      message:
        '--target "ftp://127.0.0.1" is not an http:// or https:// URL; give e.g. http://127.0.0.1:8080',
    },
    {
      name: "another scheme, credentials hidden",
      text: "ftp://user:s3cret@127.0.0.1",
      rules: TARGET,
      message:
        '--target "ftp://***@127.0.0.1" is not an http:// or https:// URL; give e.g. http://127.0.0.1:8080',
    },
    {
      name: "not a URL, credentials hidden",
      text: "http://user:s3cret@[bad",
      rules: TARGET,
      message: '--target "http://***@[bad" is not a URL; give e.g. http://127.0.0.1:8080',
    },
    {
      name: "no scheme, credentials hidden",
      text: "admin:s3cret@prometheus:9090",
      rules: TARGET,
      message:
        '--target "***@prometheus:9090" is not an http:// or https:// URL; give e.g. http://127.0.0.1:8080',
    },
    {
      name: "credentials refused",
      text: "http://user:s3cret@s.ns:8080",
      rules: STRICT,
      message: '--serve-url "http://***@s.ns:8080" carries credentials; use a Secret',
    },
    {
      name: "a password alone is credentials too",
      text: "http://:s3cret@s.ns:8080",
      rules: STRICT,
      message: '--serve-url "http://***@s.ns:8080" carries credentials; use a Secret',
    },
    {
      name: "credentials refused, default hint",
      text: "http://user@s.ns",
      rules: { ...STRICT, credentialsHint: undefined },
      message: '--serve-url "http://***@s.ns" carries credentials; remove user:password@ from it',
    },
    {
      name: "query refused, secret parameter hidden",
      text: "http://s.ns/?token=s3cret",
      rules: STRICT,
      message:
        '--serve-url "http://s.ns/?token=***" has a query string; give the base URL without ?…',
    },
  ])("$name", ({ text, rules, message }) => {
    const error = thrown(() => parseHttpUrl(text, rules));
    expect(error.code).toBe(rules.code);
    expect(error.message).toBe(message);
    expect(error.message).not.toContain("s3cret");
    expect(error.message).not.toContain("\n");
  });
});

describe("each caller keeps its own flag and code", () => {
  it.each([
    {
      name: "run --target",
      run: () => parseTargetUrl("nope"),
      code: "TARGET_INVALID",
      flag: "--target",
    },
    {
      name: "--prometheus",
      run: () => parsePrometheusUrl("file:///etc/passwd"),
      code: "PROMETHEUS_URL_INVALID",
      flag: "--prometheus",
    },
    {
      name: "a service Prometheus scrapes",
      run: () => scrapeTargetOf("nope"),
      code: "PROMETHEUS_TARGET_INVALID",
      flag: "service URL",
    },
  ])("$name", ({ run, code, flag }) => {
    const error = thrown(run);
    expect(error.code).toBe(code);
    expect(error.message.startsWith(`${flag} `)).toBe(true);
  });
});

describe("portOf", () => {
  it.each([
    ["http://h:8080", 8080],
    ["http://h", 80],
    ["https://h", 443],
    ["https://h:8443/x", 8443],
  ])("%s → %d", (text, port) => {
    expect(portOf(new URL(text))).toBe(port);
  });
});

describe("isLoopbackHost", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["localhost", true],
    ["[::1]", true],
    ["::1", false],
    ["10.0.0.1", false],
    ["128.0.0.1", false],
    ["localhost.example", false],
    ["127.0.0.1.nip.io", false],
  ])("%s → %s", (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
