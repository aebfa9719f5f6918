import type { SloProfile } from "../core/profile.js";
import type { RequiredTier } from "../core/types.js";
import { ConfigError } from "../errors.js";
import { parseHttpUrl } from "../url.js";
import {
  ARG_NAMES,
  buildArgs,
  buildPolicyFields,
  buildTemplate,
  checkTemplateOptions,
  DEFAULT_SELECTOR_LABELS,
  type ArgoMeasurePolicy,
  type ArgoSelectorLabels,
  type ArgoTemplateIdentity,
} from "./argo-common.js";
import type { GeneratedTemplate } from "./argo-analysis.js";

/** A Kubernetes Secret key holding the bearer token `slogate serve` expects. */
export interface SecretKeyRef {
  name: string;
  key: string;
}

export interface WebTemplateOptions {
  profile: SloProfile;
  identity: ArgoTemplateIdentity;
  policy: ArgoMeasurePolicy;
  /** Base URL of `slogate serve` inside the cluster, e.g. http://slogate.slogate:8080. */
  serveUrl: string;
  /** Window each measurement asks for, e.g. `5m`. */
  window: string;
  requiredTier?: RequiredTier;
  labels?: ArgoSelectorLabels;
  /** Where the token is; no Authorization header without it. */
  tokenSecret?: SecretKeyRef;
  /** Argo's HTTP timeout per measurement. Default 30. */
  timeoutSeconds?: number;
}

/** Query parameter names `slogate serve` reads, per selector label. */
export const SERVE_ARG_PARAMS = {
  service: "service",
  namespace: "namespace",
  canary: "canary",
} as const;
export const TOKEN_ARG = "slogate-token";

const WINDOW = /^\d+(s|m|h)$/;

/**
 * An AnalysisTemplate with the web provider asking `slogate serve` for the
 * verdict over the last window. `pass` is Successful, `fail` is Failed, and
 * `inconclusive` or `error` satisfy neither condition, so Argo records
 * Inconclusive and the rollout pauses for a person to decide. A non-2xx
 * answer (bad args, Prometheus unreachable past the server's timeout) is an
 * Error measurement, which Argo retries up to its consecutiveErrorLimit.
 */
export function generateWebTemplate(options: WebTemplateOptions): GeneratedTemplate {
  const labels = options.labels ?? DEFAULT_SELECTOR_LABELS;
  checkTemplateOptions(options.identity, options.policy, labels);
  const base = parseHttpUrl(options.serveUrl, {
    what: "--serve-url",
    code: "ARGO_OPTION_INVALID",
    example: "http://slogate.slogate:8080",
    allowCredentials: false,
    credentialsHint: "give serve's token with --token-secret instead",
    allowQuery: false,
  });
  if (!WINDOW.test(options.window)) {
    throw new ConfigError(
      "ARGO_OPTION_INVALID",
      `--window ${JSON.stringify(options.window)}: e.g. 2m or 5m`,
    );
  }
  const timeout = options.timeoutSeconds ?? 30;
  if (!(Number.isInteger(timeout) && timeout > 0)) {
    throw new ConfigError("ARGO_OPTION_INVALID", `--timeout ${timeout}: whole seconds > 0`);
  }
  const requiredTier = options.requiredTier ?? options.profile.requiredTier;
  // Args are substituted verbatim by Argo; serve validates each and answers 400 otherwise.
  const params = [`window=${options.window}`];
  if (options.requiredTier) params.push(`require=${options.requiredTier}`);
  for (const key of Object.keys(SERVE_ARG_PARAMS) as (keyof ArgoSelectorLabels)[]) {
    if (labels[key] !== null) params.push(`${SERVE_ARG_PARAMS[key]}={{args.${ARG_NAMES[key]}}}`);
  }
  const path = `${base.pathname.replace(/\/+$/, "")}/v1/analysis/${encodeURIComponent(options.profile.name)}`;
  const url = `${base.origin}${path}?${params.join("&")}`;
  const args: Record<string, unknown>[] = buildArgs(labels);
  if (options.tokenSecret) {
    args.push({
      name: TOKEN_ARG,
      valueFrom: { secretKeyRef: { name: options.tokenSecret.name, key: options.tokenSecret.key } },
    });
  }
  const metric = {
    name: "slo-verdict",
    ...buildPolicyFields(options.policy),
    successCondition: 'result == "pass"',
    failureCondition: 'result == "fail"',
    provider: {
      web: {
        url,
        jsonPath: "{$.verdict}",
        timeoutSeconds: timeout,
        headers: [
          { key: "Accept", value: "application/json" },
          ...(options.tokenSecret
            ? [{ key: "Authorization", value: `Bearer {{args.${TOKEN_ARG}}}` }]
            : []),
        ],
      },
    },
  };
  return {
    manifest: buildTemplate({
      identity: options.identity,
      profile: options.profile.name,
      requiredTier,
      provider: "web",
      args,
      metrics: [metric],
    }),
    skipped: [],
    requiredTier,
  };
}
