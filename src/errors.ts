/**
 * Every failure the user can act on is a ToolError with a stable `code` and a
 * one-line message naming the file, field or line and what to do. The CLI
 * prints `slogate: <message>` and exits 3; it never prints a stack for these.
 */
export class ToolError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A profile, tier file or option the user wrote is wrong. */
export class ConfigError extends ToolError {}

/** An evidence file (k6 NDJSON, summary) is missing, truncated or malformed. */
export class InputError extends ToolError {}

/** A tool the project needs (k6, Go, Prometheus) is missing or unusable. */
export class DependencyError extends ToolError {}

/** k6 could not be run, or ended in a way that leaves no evidence. */
export class K6Error extends ToolError {}

/** Prometheus could not answer a query usefully. */
export class PrometheusError extends ToolError {}

/** A reference target could not start (port in use, bad fault spec). */
export class TargetError extends ToolError {}

/** A bug in slogate itself. */
export class InternalError extends ToolError {}

export function isToolError(value: unknown): value is ToolError {
  return value instanceof ToolError;
}
