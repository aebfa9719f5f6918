import type { SloProfile } from "../core/profile.js";
import type { RequiredTier } from "../core/types.js";
import { ConfigError } from "../errors.js";
import { parseHttpUrl } from "../url.js";
import {
  applyProfileSeries,
  checkSliSettings,
  DEFAULT_PROMETHEUS_SLI_SETTINGS,
  type PrometheusSliSettings,
} from "../promql/settings.js";
import {
  buildArgMatchers,
  buildArgs,
  buildConditions,
  buildPolicyFields,
  buildTemplate,
  checkTemplateOptions,
  DEFAULT_SELECTOR_LABELS,
  type ArgoMeasurePolicy,
  type ArgoSelectorLabels,
  type ArgoTemplateIdentity,
} from "./argo-common.js";
import { buildObjectiveQuery } from "../promql/objective-queries.js";
import { planServerSlis, type SkippedObjective } from "../core/server-slis.js";

export interface PrometheusTemplateOptions {
  profile: SloProfile;
  identity: ArgoTemplateIdentity;
  policy: ArgoMeasurePolicy;
  /** The profile's requiredTier unless given. */
  requiredTier?: RequiredTier;
  /** Prometheus base URL; omitted: Argo's ARGO_ROLLOUTS_PROMETHEUS_ADDRESS is used. */
  prometheusAddress?: string;
  /** PromQL range each measurement looks back over, e.g. `5m`. */
  range: string;
  /** Per-query timeout Argo applies, seconds. */
  timeoutSeconds?: number;
  labels?: ArgoSelectorLabels;
  /** Metric and label names of the service; the seed's by default. */
  settings?: PrometheusSliSettings;
  methodLabel?: string;
  cpuCores?: number;
  memoryLimitBytes?: number;
}

export interface GeneratedTemplate {
  manifest: Record<string, unknown>;
  /** Objectives the template cannot measure, and why. */
  skipped: SkippedObjective[];
  requiredTier: RequiredTier;
}

const PROM_RANGE = /^\d+(ms|s|m|h|d|w|y)$/;

function checkAddress(address: string): void {
  parseHttpUrl(address, {
    what: "--prometheus-address",
    code: "ARGO_OPTION_INVALID",
    example: "http://prometheus.monitoring:9090",
    allowCredentials: false,
    credentialsHint:
      "a manifest is no place for them (use the prometheus provider's authentication or a proxy)",
  });
}

/**
 * An Argo Rollouts AnalysisTemplate (or ClusterAnalysisTemplate) with the
 * prometheus provider: one metric per objective of the profile that the
 * service's own metrics can measure, each judged against the required tier's
 * bound. The canary is selected by args (service, namespace, pod-template
 * hash), informational objectives run as dryRun, and a window without enough
 * data measures Inconclusive.
 */
export function generatePrometheusTemplate(options: PrometheusTemplateOptions): GeneratedTemplate {
  const labels = options.labels ?? DEFAULT_SELECTOR_LABELS;
  checkTemplateOptions(options.identity, options.policy, labels);
  if (!PROM_RANGE.test(options.range)) {
    throw new ConfigError(
      "ARGO_OPTION_INVALID",
      `--range ${JSON.stringify(options.range)}: a PromQL range such as 2m or 5m`,
    );
  }
  if (options.prometheusAddress !== undefined) checkAddress(options.prometheusAddress);
  const timeout = options.timeoutSeconds;
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
    throw new ConfigError("ARGO_OPTION_INVALID", `--timeout ${timeout}: whole seconds > 0`);
  }
  const settings =
    options.settings ??
    applyProfileSeries(DEFAULT_PROMETHEUS_SLI_SETTINGS, options.profile.prometheus);
  checkSliSettings(settings);
  const plan = planServerSlis(options.profile, {
    ...(options.requiredTier ? { requiredTier: options.requiredTier } : {}),
    ...(options.cpuCores !== undefined ? { cpuCores: options.cpuCores } : {}),
    ...(options.memoryLimitBytes !== undefined
      ? { memoryLimitBytes: options.memoryLimitBytes }
      : {}),
  });
  const context = {
    settings,
    methodLabel: options.methodLabel ?? settings.labels.method,
    matchers: buildArgMatchers(labels),
    range: options.range,
  };
  const metrics = plan.planned.map((planned) => ({
    name: planned.spec.id,
    ...buildPolicyFields(options.policy),
    ...buildConditions(planned.spec.bounds, plan.requiredTier),
    provider: {
      prometheus: {
        ...(options.prometheusAddress ? { address: options.prometheusAddress } : {}),
        ...(timeout !== undefined ? { timeout } : {}),
        query: buildObjectiveQuery(planned, context),
      },
    },
  }));
  if (!plan.planned.some((planned) => planned.spec.mandatory)) {
    throw new ConfigError(
      "ARGO_NOTHING_TO_MEASURE",
      `profile ${options.profile.name}: none of its mandatory objectives can be measured from Prometheus (${plan.skipped.map((s) => `${s.id}: ${s.reason}`).join("; ")})`,
    );
  }
  return {
    manifest: buildTemplate({
      identity: options.identity,
      profile: options.profile.name,
      requiredTier: plan.requiredTier,
      provider: "prometheus",
      args: buildArgs(labels),
      metrics,
      dryRunMetrics: plan.planned.filter((p) => !p.spec.mandatory).map((p) => p.spec.id),
    }),
    skipped: plan.skipped,
    requiredTier: plan.requiredTier,
  };
}
