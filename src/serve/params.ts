import type { RequiredTier } from "../core/types.js";
import type { ArgoSelectorLabels } from "../integrations/argo-common.js";
import { SERVE_ARG_PARAMS } from "../integrations/argo-web.js";

/** A request the server refuses, with the status and a one-line reason for the caller. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AnalysisParams {
  profile: string;
  windowSeconds: number;
  requiredTier?: RequiredTier;
  /** Label name → value, for the selector labels the server is configured with. */
  matchers: Record<string, string>;
}

export interface ParamLimits {
  minWindowSeconds: number;
  maxWindowSeconds: number;
}

const PROFILE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const WINDOW = /^([1-9]\d{0,5})(s|m|h)$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };
/**
 * Label values from the request become PromQL string literals. They are
 * escaped anyway; this narrow alphabet (what Kubernetes names, pod-template
 * hashes and host:port carry) keeps regex and quoting tricks out entirely.
 */
const LABEL_VALUE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const TIERS = new Set(["target", "good", "excellent"]);

/**
 * Validates `/v1/analysis/<profile>?window=5m&service=…` strictly: every
 * parameter known, given once and well-formed, or a 400 naming it. Nothing in
 * the request can name a Prometheus, a query or a file.
 */
export function parseAnalysisParams(
  profile: string,
  search: URLSearchParams,
  labels: ArgoSelectorLabels,
  limits: ParamLimits,
): AnalysisParams {
  if (!PROFILE_NAME.test(profile)) {
    throw new RequestError(
      400,
      "BAD_PROFILE",
      "profile: a profile name (lower-case letters, digits, '-')",
    );
  }
  const allowed = new Set<string>(["window", "require"]);
  for (const key of Object.keys(SERVE_ARG_PARAMS) as (keyof ArgoSelectorLabels)[]) {
    if (labels[key] !== null) allowed.add(SERVE_ARG_PARAMS[key]);
  }
  const seen = new Set<string>();
  for (const key of search.keys()) {
    if (!allowed.has(key)) {
      throw new RequestError(
        400,
        "UNKNOWN_PARAMETER",
        `${key}: unknown parameter; allowed: ${[...allowed].join(", ")}`,
      );
    }
    if (seen.has(key))
      throw new RequestError(400, "DUPLICATE_PARAMETER", `${key}: given more than once`);
    seen.add(key);
  }
  const windowText = search.get("window");
  if (windowText === null)
    throw new RequestError(400, "MISSING_PARAMETER", "window: required, e.g. window=5m");
  const match = WINDOW.exec(windowText);
  const windowSeconds =
    match?.[1] && match[2] ? Number(match[1]) * (UNIT_SECONDS[match[2]] ?? 0) : Number.NaN;
  if (!(windowSeconds >= limits.minWindowSeconds && windowSeconds <= limits.maxWindowSeconds)) {
    throw new RequestError(
      400,
      "BAD_WINDOW",
      `window: ${JSON.stringify(windowText)} is not a duration from ${limits.minWindowSeconds}s to ${limits.maxWindowSeconds}s (e.g. 5m)`,
    );
  }
  const requireText = search.get("require");
  if (requireText !== null && !TIERS.has(requireText)) {
    throw new RequestError(400, "BAD_TIER", "require: one of target, good, excellent");
  }
  const matchers: Record<string, string> = {};
  for (const key of Object.keys(SERVE_ARG_PARAMS) as (keyof ArgoSelectorLabels)[]) {
    const label = labels[key];
    if (label === null) continue;
    const param = SERVE_ARG_PARAMS[key];
    const value = search.get(param);
    if (value === null) throw new RequestError(400, "MISSING_PARAMETER", `${param}: required`);
    if (!LABEL_VALUE.test(value)) {
      throw new RequestError(
        400,
        "BAD_PARAMETER",
        `${param}: letters, digits, '.', '_', ':' and '-' only, at most 128 characters`,
      );
    }
    matchers[label] = value;
  }
  return {
    profile,
    windowSeconds,
    ...(requireText !== null ? { requiredTier: requireText as RequiredTier } : {}),
    matchers,
  };
}
