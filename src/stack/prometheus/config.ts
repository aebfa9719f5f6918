import path from "node:path";
import { stringify } from "yaml";
import { ConfigError } from "../../errors.js";
import { isLoopbackHost, parseHttpUrl, portOf } from "../../url.js";

/** The job every scrape target of a slogate-started Prometheus belongs to. */
export const SLOGATE_SCRAPE_JOB = "slogate-targets";

export interface PrometheusConfigOptions {
  /** `host:port` of each target, loopback only. */
  scrapeTargets: readonly string[];
  scrapeIntervalSeconds: number;
  /** Default rule evaluation interval; the scrape interval by default. A group's own `interval` wins. */
  evaluationIntervalSeconds?: number;
  /** Absolute paths of Prometheus rule files (`rule_files`), e.g. `slogate rules --format rule-file`. */
  ruleFiles?: readonly string[];
  metricsPath?: string;
  jobName?: string;
}

/** Checks one `host:port` target: slogate only scrapes services on this machine. */
export function parseScrapeTarget(target: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(target);
  const host = match?.[1];
  const port = Number(match?.[2]);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new ConfigError(
      "PROMETHEUS_TARGET_INVALID",
      `scrape target ${JSON.stringify(target)} is not host:port; give e.g. 127.0.0.1:8080`,
    );
  }
  if (!isLoopbackHost(host)) {
    throw new ConfigError(
      "PROMETHEUS_TARGET_NOT_LOOPBACK",
      `scrape target ${target} is not on loopback; a slogate-started Prometheus scrapes only 127.0.0.0/8 or [::1]`,
    );
  }
  return { host, port };
}

/** The `host:port` Prometheus scrapes for a service URL, e.g. RunningTargets.url. */
export function scrapeTargetOf(serviceUrl: string): string {
  const url = parseHttpUrl(serviceUrl, {
    what: "service URL",
    code: "PROMETHEUS_TARGET_INVALID",
    example: "http://127.0.0.1:8080",
  });
  const target = `${url.hostname}:${portOf(url)}`;
  parseScrapeTarget(target);
  return target;
}

/**
 * prometheus.yml for a throwaway server: one job scraping the given targets.
 * The scrape timeout equals the interval (Prometheus rejects a longer one),
 * so a slow /metrics shows up as `up == 0`, i.e. a scrape gap.
 */
export function generatePrometheusConfig(options: PrometheusConfigOptions): string {
  const { scrapeIntervalSeconds } = options;
  const evaluationIntervalSeconds = options.evaluationIntervalSeconds ?? scrapeIntervalSeconds;
  for (const [what, seconds] of [
    ["scrape", scrapeIntervalSeconds],
    ["evaluation", evaluationIntervalSeconds],
  ] as const) {
    if (!Number.isInteger(seconds) || seconds < 1) {
      throw new ConfigError(
        "PROMETHEUS_INTERVAL_INVALID",
        `${what} interval ${seconds}s: give a whole number of seconds >= 1`,
      );
    }
  }
  for (const target of options.scrapeTargets) parseScrapeTarget(target);
  for (const file of options.ruleFiles ?? []) {
    // Prometheus resolves a relative rule file against the config's folder, not the caller's.
    if (!path.isAbsolute(file)) {
      throw new ConfigError(
        "PROMETHEUS_RULE_FILE_INVALID",
        `rule file ${JSON.stringify(file)}: give an absolute path`,
      );
    }
  }
  const interval = `${scrapeIntervalSeconds}s`;
  return stringify({
    global: {
      scrape_interval: interval,
      scrape_timeout: interval,
      evaluation_interval: `${evaluationIntervalSeconds}s`,
    },
    ...(options.ruleFiles?.length ? { rule_files: [...options.ruleFiles] } : {}),
    scrape_configs: [
      {
        job_name: options.jobName ?? SLOGATE_SCRAPE_JOB,
        metrics_path: options.metricsPath ?? "/metrics",
        static_configs: [{ targets: [...options.scrapeTargets] }],
      },
    ],
  });
}
