import { formatThresholdNumber } from "../core/k6-thresholds.js";
import type { RequiredTier, TierBounds } from "../core/types.js";
import { ConfigError } from "../errors.js";
import { buildEqualityMatcher } from "../promql/selectors.js";

export const ARGO_API_VERSION = "argoproj.io/v1alpha1";
export type ArgoTemplateKind = "AnalysisTemplate" | "ClusterAnalysisTemplate";

/** How often and how many times Argo measures, and how many bad measurements it tolerates. */
export interface ArgoMeasurePolicy {
  /** Argo duration between measurements, e.g. `1m`. */
  interval: string;
  /** Measurements per metric; the analysis ends after the last one. */
  count: number;
  /** Failed measurements tolerated: the metric fails at failureLimit + 1. */
  failureLimit: number;
  /** Inconclusive measurements tolerated before the run turns Inconclusive (the rollout pauses). */
  inconclusiveLimit: number;
  /** Wait before the first measurement, e.g. `2m` for the canary to take traffic. */
  initialDelay?: string;
}

export interface ArgoTemplateIdentity {
  kind: ArgoTemplateKind;
  name: string;
  /** AnalysisTemplate only; a ClusterAnalysisTemplate is cluster-scoped. */
  namespace?: string;
}

/** The label names the canary's series carry; null leaves that arg out. */
export interface ArgoSelectorLabels {
  /** Default `service`. */
  service: string | null;
  /** Default `namespace`. */
  namespace: string | null;
  /** Default `rollouts_pod_template_hash` (the label Argo Rollouts puts on a revision's pods). */
  canary: string | null;
}

export const DEFAULT_SELECTOR_LABELS: ArgoSelectorLabels = {
  service: "service",
  namespace: "namespace",
  canary: "rollouts_pod_template_hash",
};

/** Arg names of the generated templates, as a Rollout passes them. */
export const ARG_NAMES = {
  service: "service-name",
  namespace: "namespace",
  canary: "canary-hash",
} as const;

export const DEFAULT_MEASURE_POLICY: ArgoMeasurePolicy = {
  interval: "1m",
  count: 5,
  failureLimit: 0,
  inconclusiveLimit: 1,
};

const DURATION = /^\d+(ms|s|m|h)$/;
const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Rejects options Argo or Kubernetes would refuse later, naming the option. */
export function checkTemplateOptions(
  identity: ArgoTemplateIdentity,
  policy: ArgoMeasurePolicy,
  labels?: ArgoSelectorLabels,
): void {
  const fail = (option: string, value: unknown, hint: string) => {
    throw new ConfigError("ARGO_OPTION_INVALID", `--${option} ${JSON.stringify(value)}: ${hint}`);
  };
  if (!K8S_NAME.test(identity.name) || identity.name.length > 253) {
    fail("name", identity.name, "a Kubernetes name: lower-case letters, digits, '-' and '.'");
  }
  if (identity.namespace !== undefined) {
    if (identity.kind === "ClusterAnalysisTemplate") {
      fail("namespace", identity.namespace, "a ClusterAnalysisTemplate has no namespace");
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(identity.namespace)) {
      fail("namespace", identity.namespace, "a Kubernetes namespace name");
    }
  }
  for (const key of ["interval", "initialDelay"] as const) {
    const value = policy[key];
    if (value !== undefined && !DURATION.test(value)) {
      fail(
        key === "initialDelay" ? "initial-delay" : key,
        value,
        "an Argo duration such as 30s, 1m or 2h",
      );
    }
  }
  for (const key of ["count", "failureLimit", "inconclusiveLimit"] as const) {
    const value = policy[key];
    if (!Number.isInteger(value) || value < 0 || (key === "count" && value < 1)) {
      const option = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      fail(option, value, key === "count" ? "a whole number >= 1" : "a whole number >= 0");
    }
  }
  // Argo calls a metric Successful once `count` measurements are taken unless a
  // limit was exceeded first; a limit >= count could let all-inconclusive or
  // all-failed measurements end Successful.
  if (policy.failureLimit >= policy.count) {
    fail(
      "failure-limit",
      policy.failureLimit,
      `must be below --count (${policy.count}), or failures could never fail the analysis`,
    );
  }
  if (policy.inconclusiveLimit >= policy.count) {
    fail(
      "inconclusive-limit",
      policy.inconclusiveLimit,
      `must be below --count (${policy.count}), or a window without data could end Successful`,
    );
  }
  for (const key of ["service", "namespace", "canary"] as const) {
    const name = labels?.[key] ?? null;
    if (name !== null && !LABEL_NAME.test(name)) {
      fail(`${key}-label`, name, "a Prometheus label name (letters, digits, '_')");
    }
  }
}

/** The template's `args`, one per selector label in use. */
export function buildArgs(labels: ArgoSelectorLabels): { name: string }[] {
  return (Object.keys(ARG_NAMES) as (keyof ArgoSelectorLabels)[])
    .filter((key) => labels[key] !== null)
    .map((key) => ({ name: ARG_NAMES[key] }));
}

/** `service="{{args.service-name}}"`, … for the labels in use. */
export function buildArgMatchers(labels: ArgoSelectorLabels): string[] {
  return (Object.keys(ARG_NAMES) as (keyof ArgoSelectorLabels)[]).flatMap((key) => {
    const label = labels[key];
    return label === null ? [] : [buildEqualityMatcher(label, `{{args.${ARG_NAMES[key]}}}`)];
  });
}

/**
 * Argo's conditions for one number against the required tier's bound.
 * Both conditions demand exactly one finite-or-infinite, non-NaN sample: an
 * empty result (no series, too few requests) or NaN (0/0, no observations)
 * satisfies neither, which Argo records as Inconclusive — never Successful,
 * and never an evaluation error from indexing an empty result.
 * `&&` short-circuits in Argo's expression language, so result[0] is only
 * read when it exists.
 */
export function buildConditions(
  bounds: TierBounds,
  tier: RequiredTier,
): { successCondition: string; failureCondition: string } {
  const bound = formatThresholdNumber(bounds[tier]);
  const guard = "len(result) == 1 && !isNaN(result[0])";
  // Same sides as src/core/tiers.ts meetsBound: max is strict, min is inclusive.
  return bounds.direction === "max"
    ? {
        successCondition: `${guard} && result[0] < ${bound}`,
        failureCondition: `${guard} && result[0] >= ${bound}`,
      }
    : {
        successCondition: `${guard} && result[0] >= ${bound}`,
        failureCondition: `${guard} && result[0] < ${bound}`,
      };
}

/** The measure policy as Argo metric fields. */
export function buildPolicyFields(policy: ArgoMeasurePolicy): Record<string, unknown> {
  return {
    interval: policy.interval,
    count: policy.count,
    failureLimit: policy.failureLimit,
    inconclusiveLimit: policy.inconclusiveLimit,
    ...(policy.initialDelay ? { initialDelay: policy.initialDelay } : {}),
  };
}

export interface TemplateParts {
  identity: ArgoTemplateIdentity;
  profile: string;
  requiredTier: RequiredTier;
  provider: "prometheus" | "web" | "job";
  args: Record<string, unknown>[];
  metrics: Record<string, unknown>[];
  /** Metrics measured and shown but never deciding the run (informational objectives). */
  dryRunMetrics?: string[];
}

/** An AnalysisTemplate / ClusterAnalysisTemplate object, ready for YAML. */
export function buildTemplate(parts: TemplateParts): Record<string, unknown> {
  const { identity } = parts;
  return {
    apiVersion: ARGO_API_VERSION,
    kind: identity.kind,
    metadata: {
      name: identity.name,
      ...(identity.namespace ? { namespace: identity.namespace } : {}),
      labels: {
        "app.kubernetes.io/managed-by": "slogate",
        "slogate.dev/profile": parts.profile,
      },
      annotations: {
        "slogate.dev/required-tier": parts.requiredTier,
        "slogate.dev/provider": parts.provider,
      },
    },
    spec: {
      args: parts.args,
      metrics: parts.metrics,
      ...(parts.dryRunMetrics && parts.dryRunMetrics.length > 0
        ? { dryRun: parts.dryRunMetrics.map((metricName) => ({ metricName })) }
        : {}),
    },
  };
}
