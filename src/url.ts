import { ConfigError } from "./errors.js";
import { redactUrl } from "./redact.js";

/** What one flag or field accepts, and how to say it when it does not. */
export interface HttpUrlRules {
  /** The flag or field the value came from, named first in every error: `--target`. */
  what: string;
  /** The stable code of the ConfigError thrown, e.g. `TARGET_INVALID`. */
  code: string;
  /** A value that would be accepted, suggested when the text is not an http(s) URL. */
  example: string;
  /** `user:password@` allowed. Default true. */
  allowCredentials?: boolean;
  /** What to do instead of putting credentials in the URL; said when they are refused. */
  credentialsHint?: string;
  /** A `?query` allowed. Default true. */
  allowQuery?: boolean;
}

/**
 * Parses an absolute http:// or https:// URL, or throws a ConfigError with one
 * line naming `rules.what`, the value with its credentials hidden, and what to
 * give instead. The value is quoted so an empty or blank one still shows.
 */
export function parseHttpUrl(text: string, rules: HttpUrlRules): URL {
  const shown = JSON.stringify(hideCredentials(text));
  const fail = (problem: string): never => {
    throw new ConfigError(rules.code, `${rules.what} ${shown} ${problem}`);
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(`is not a URL; give e.g. ${rules.example}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    fail(`is not an http:// or https:// URL; give e.g. ${rules.example}`);
  }
  if (rules.allowCredentials === false && (url.username !== "" || url.password !== "")) {
    fail(`carries credentials; ${rules.credentialsHint ?? "remove user:password@ from it"}`);
  }
  if (rules.allowQuery === false && url.search !== "") {
    fail("has a query string; give the base URL without ?…");
  }
  return url;
}

/**
 * The value as an error may show it: redactUrl hides `user:password@` after a
 * scheme; a value typed without one (`admin:s3cret@host:9090`) is not a URL
 * to it, so its leading userinfo is hidden here.
 */
function hideCredentials(text: string): string {
  const redacted = redactUrl(text);
  return redacted.includes("://") ? redacted : redacted.replace(/^[^/?#@\s]*@/, "***@");
}

/** The port a URL connects to: its own, else the scheme's default (443 for https, 80 otherwise). */
export function portOf(url: URL): number {
  if (url.port !== "") return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/**
 * True for a host on this machine as a URL spells it: 127.0.0.0/8,
 * `localhost` or `[::1]` (IPv6 in brackets, as `URL.hostname` gives it).
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
