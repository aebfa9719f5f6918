import { BUILT_IN_OBJECTIVES } from "../../core/objectives.js";
import { ConfigError } from "../../errors.js";
import type { SloProfile } from "../../core/profile.js";
import type { Finding, PrometheusSection } from "../../core/types.js";
import type { ExternalMeasurement } from "../../core/measurement.js";
import { parsePrometheusHeaders, type PrometheusAuthSettings } from "./auth.js";
import { collectPrometheusEvidence, type CollectPrometheusResult } from "./collect.js";
import {
  applyProfileSeries,
  DEFAULT_PROMETHEUS_SLI_SETTINGS,
  PROMETHEUS_OBJECTIVE_IDS,
  type PrometheusObjectiveId,
  type PrometheusSliSettings,
} from "../../promql/settings.js";
import { buildAlternation } from "../../promql/escape.js";

/** Flags of `run`/`check` that reach Prometheus. Secrets only by env var name or file. */
export interface PrometheusOptions {
  url: string;
  /** Label matchers added to every selector, e.g. `job="api"`. */
  selector?: string;
  timeoutMs?: number;
  auth?: PrometheusAuthSettings;
  headers?: Readonly<Record<string, string>>;
  /** CPU is reported as a share of these cores; without it CPU is inconclusive. */
  cpuCores?: number;
  /** Memory is peak RSS over this limit; without it (and no profile query) memory is inconclusive. */
  memoryLimitBytes?: number;
}

/** The window and k6's view of it, which check() hands to the collector. */
export interface CollectorInput {
  fromMs: number;
  toMs: number;
  client: { requests: number; p95Ms: number | null };
}

/** What the collector brings back: evidence for the objectives, findings, and the server's own figures. */
export interface CollectorResult {
  measurements: readonly ExternalMeasurement[];
  findings: readonly Finding[];
  server: PrometheusSection["server"];
  timing: PrometheusSection["timing"];
}

export type PrometheusCollector = (input: CollectorInput) => Promise<CollectorResult>;

function isPrometheusObjectiveId(id: string): id is PrometheusObjectiveId {
  return (PROMETHEUS_OBJECTIVE_IDS as readonly string[]).includes(id);
}

/**
 * Server-side SLI settings for a profile: the seed's metric names, the
 * profile's routes as an `endpoint` matcher (so server and client count the
 * same requests), and a profile's own PromQL where it wrote one.
 */
export function sliSettingsForProfile(
  profile: SloProfile,
  options: PrometheusOptions,
): PrometheusSliSettings {
  const queries: Partial<Record<PrometheusObjectiveId, string>> = {};
  for (const objective of profile.objectives) {
    if (objective.measure.kind !== "prometheus" || !objective.measure.query) continue;
    if (!isPrometheusObjectiveId(objective.id)) continue;
    const builtIn = BUILT_IN_OBJECTIVES[objective.id]?.measure;
    // A built-in's default query has a fixed range; the collector builds a
    // window-sized one itself. Only a profile's own query overrides it.
    if (builtIn?.kind === "prometheus" && builtIn.query === objective.measure.query) continue;
    queries[objective.id] = objective.measure.query;
  }
  // The routes the profile's k6 request objectives cover (error_rate's scope is all of them).
  const scoped = profile.objectives.find((o) => o.measure.kind === "k6" && o.measure.scope);
  const scope = scoped?.measure.kind === "k6" ? scoped.measure.scope : null;
  const names = scope?.names ?? [];
  const includeMethodsRegex = buildAlternation(scope?.methods ?? []);
  // Request SLIs cover the same routes as k6's; process and database series
  // have no route label, so the scope is not part of the global selector.
  const includeRoutesRegex = buildAlternation(names);
  // Flags beat the profile's prometheus section, which beats the defaults.
  const fromProfile = applyProfileSeries(DEFAULT_PROMETHEUS_SLI_SETTINGS, profile.prometheus);
  return {
    ...fromProfile,
    ...(options.selector !== undefined ? { selector: options.selector } : {}),
    ...(includeRoutesRegex ? { includeRoutesRegex } : {}),
    ...(includeMethodsRegex ? { includeMethodsRegex } : {}),
    queries,
    ...(options.cpuCores !== undefined ? { cpuCores: options.cpuCores } : {}),
    ...(options.memoryLimitBytes !== undefined
      ? { memoryLimitBytes: options.memoryLimitBytes }
      : {}),
  };
}

/** Latency tier bounds of the profile, for the bucket-resolution check. */
function boundariesOf(profile: SloProfile, id: "latency_p95" | "db_latency_p95"): number[] {
  const objective = profile.objectives.find((o) => o.id === id);
  if (!objective) return [];
  const { target, good, excellent } = objective.bounds;
  return [excellent, good, target];
}

/** A collector that reads the profile's server-side SLIs for check()'s window. */
export function createPrometheusCollector(
  profile: SloProfile,
  options: PrometheusOptions,
): PrometheusCollector {
  const settings = sliSettingsForProfile(profile, options);
  return async ({ fromMs, toMs, client }) => {
    const result = await collectPrometheusEvidence({
      url: options.url,
      fromMs,
      toMs,
      settings,
      client,
      boundariesMs: {
        latency_p95: boundariesOf(profile, "latency_p95"),
        db_latency_p95: boundariesOf(profile, "db_latency_p95"),
      },
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    });
    return {
      measurements: result.evidence,
      findings: result.findings,
      server: serverFiguresOf(result),
      timing: result.timing,
    };
  };
}

/** The server's request figures from the evidence; null where Prometheus gave no usable value. */
function serverFiguresOf(result: CollectPrometheusResult): PrometheusSection["server"] {
  const usable = (id: string) => {
    const item = result.evidence.find((entry) => entry.id === id);
    return item?.status === "ok" && item.value !== null ? item : null;
  };
  const throughput = usable("throughput");
  const bucket = result.latencyBucketMs;
  return {
    requests: throughput ? throughput.samples : null,
    errorRatio: usable("error_rate")?.value ?? null,
    p95Ms: usable("latency_p95")?.value ?? null,
    requestsPerSecond: throughput?.value ?? null,
    p95BucketMs: bucket
      ? {
          lowerMs: bucket.lowerMs,
          upperMs: Number.isFinite(bucket.upperMs) ? bucket.upperMs : null,
        }
      : null,
  };
}

/** The `--prometheus*` flags as commander parses them. */
export interface PrometheusFlags {
  prometheus?: string;
  prometheusSelector?: string;
  prometheusTimeoutMs?: number;
  prometheusHeader?: string[];
  prometheusBearerTokenEnv?: string;
  prometheusBearerTokenFile?: string;
  prometheusBasicUser?: string;
  prometheusBasicPasswordEnv?: string;
  prometheusBasicPasswordFile?: string;
  cpuCores?: number;
  memoryLimitBytes?: number;
}

/** PrometheusOptions from the CLI flags, or undefined without `--prometheus`. */
export function prometheusOptionsFromFlags(flags: PrometheusFlags): PrometheusOptions | undefined {
  if (!flags.prometheus) return undefined;
  if (flags.prometheusSelector !== undefined && /[{}]/.test(flags.prometheusSelector)) {
    throw new ConfigError(
      "PROMETHEUS_SELECTOR_INVALID",
      `--prometheus-selector ${JSON.stringify(flags.prometheusSelector)}: give label matchers without braces, e.g. job="api"`,
    );
  }
  const auth: PrometheusAuthSettings = flags.prometheusBasicUser
    ? {
        kind: "basic",
        username: flags.prometheusBasicUser,
        ...(flags.prometheusBasicPasswordEnv
          ? { passwordEnv: flags.prometheusBasicPasswordEnv }
          : {}),
        ...(flags.prometheusBasicPasswordFile
          ? { passwordFile: flags.prometheusBasicPasswordFile }
          : {}),
      }
    : flags.prometheusBearerTokenEnv || flags.prometheusBearerTokenFile
      ? {
          kind: "bearer",
          ...(flags.prometheusBearerTokenEnv ? { tokenEnv: flags.prometheusBearerTokenEnv } : {}),
          ...(flags.prometheusBearerTokenFile
            ? { tokenFile: flags.prometheusBearerTokenFile }
            : {}),
        }
      : { kind: "none" };
  return {
    url: flags.prometheus,
    auth,
    ...(flags.prometheusSelector ? { selector: flags.prometheusSelector } : {}),
    ...(flags.prometheusTimeoutMs !== undefined ? { timeoutMs: flags.prometheusTimeoutMs } : {}),
    ...(flags.prometheusHeader?.length
      ? { headers: parsePrometheusHeaders(flags.prometheusHeader) }
      : {}),
    ...(flags.cpuCores !== undefined ? { cpuCores: flags.cpuCores } : {}),
    ...(flags.memoryLimitBytes !== undefined ? { memoryLimitBytes: flags.memoryLimitBytes } : {}),
  };
}
