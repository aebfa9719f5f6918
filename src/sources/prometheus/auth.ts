import { readFileSync } from "node:fs";
import { redactText } from "../../redact.js";
import { ConfigError } from "../../errors.js";

/**
 * How a profile or the CLI names Prometheus credentials: never the secret
 * itself, only where to read it (an environment variable or a file), so a
 * profile can be committed and a verdict printed without leaking it.
 */
export type PrometheusAuthSettings =
  | { kind: "none" }
  | { kind: "basic"; username: string; passwordEnv?: string; passwordFile?: string }
  | { kind: "bearer"; tokenEnv?: string; tokenFile?: string };

/** Resolved credentials, kept in memory only and sent as an Authorization header. */
export type PrometheusAuth =
  | { kind: "none" }
  | { kind: "basic"; username: string; password: string }
  | { kind: "bearer"; token: string };

export interface ResolveAuthOptions {
  env?: NodeJS.ProcessEnv;
  readFile?: (file: string) => string;
}

function readSecret(
  what: string,
  envName: string | undefined,
  file: string | undefined,
  options: ResolveAuthOptions,
): string {
  if ((envName === undefined) === (file === undefined)) {
    throw new ConfigError(
      "PROMETHEUS_AUTH_INVALID",
      `prometheus auth: give exactly one of ${what}Env (an environment variable name) or ${what}File (a file path)`,
    );
  }
  if (envName !== undefined) {
    const value = (options.env ?? process.env)[envName];
    if (value === undefined || value.trim() === "") {
      throw new ConfigError(
        "PROMETHEUS_AUTH_MISSING",
        `prometheus auth: environment variable ${envName} is unset or empty; export it before the run`,
      );
    }
    return value.trim();
  }
  const path = file as string;
  let value: string;
  try {
    value = (options.readFile ?? ((p: string) => readFileSync(p, "utf8")))(path);
  } catch (error) {
    throw new ConfigError(
      "PROMETHEUS_AUTH_MISSING",
      `prometheus auth: cannot read ${what} file ${path} (${(error as NodeJS.ErrnoException).code ?? "unreadable"}); fix the path or its permissions`,
    );
  }
  // Secret files usually end with a newline that is not part of the secret.
  const trimmed = value.trim();
  if (trimmed === "") {
    throw new ConfigError(
      "PROMETHEUS_AUTH_MISSING",
      `prometheus auth: ${what} file ${path} is empty`,
    );
  }
  return trimmed;
}

/** Reads the secret a setting points to. Error messages name the variable or file, never the value. */
export function resolvePrometheusAuth(
  settings: PrometheusAuthSettings,
  options: ResolveAuthOptions = {},
): PrometheusAuth {
  switch (settings.kind) {
    case "none":
      return { kind: "none" };
    case "basic":
      return {
        kind: "basic",
        username: settings.username,
        password: readSecret("password", settings.passwordEnv, settings.passwordFile, options),
      };
    case "bearer":
      return {
        kind: "bearer",
        token: readSecret("token", settings.tokenEnv, settings.tokenFile, options),
      };
  }
}

/** The Authorization header value for resolved credentials, or undefined for none. */
export function formatAuthorization(auth: PrometheusAuth): string | undefined {
  switch (auth.kind) {
    case "none":
      return undefined;
    case "basic":
      return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, "utf8").toString("base64")}`;
    case "bearer":
      return `Bearer ${auth.token}`;
  }
}

/**
 * Parses repeated `--prometheus-header "Name: value"` flags. Authorization is
 * refused here: credentials come from the env/file settings, so they never
 * sit on a command line where `ps` and shell history would show them.
 */
export function parsePrometheusHeaders(flags: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const flag of flags) {
    const colon = flag.indexOf(":");
    const name = colon > 0 ? flag.slice(0, colon).trim() : "";
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      throw new ConfigError(
        "PROMETHEUS_HEADER_INVALID",
        `--prometheus-header ${JSON.stringify(redactText(name || flag.slice(0, 40)))}: write it as "Name: value"`,
      );
    }
    if (name.toLowerCase() === "authorization") {
      throw new ConfigError(
        "PROMETHEUS_HEADER_INVALID",
        "--prometheus-header Authorization: use --prometheus-bearer-token-env/-file or --prometheus-basic-user with a password env/file instead",
      );
    }
    headers[name] = flag.slice(colon + 1).trim();
  }
  return headers;
}
