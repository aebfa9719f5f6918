import { InvalidArgumentError, Option, type Command } from "commander";
import type { BaselineOptions } from "../commands/baseline.js";
import type { ComparisonMargins } from "../core/compare-runs.js";
import type { RequiredTier } from "../core/types.js";
import { ConfigError } from "../errors.js";

/** Option parsers and the option groups several commands share. */

export const TIER_CHOICES = ["target", "good", "excellent"] as const satisfies RequiredTier[];

export const FORMAT_CHOICES = ["text", "json", "markdown", "junit", "html"] as const;
export type StdoutFormat = (typeof FORMAT_CHOICES)[number];

export function parsePositive(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new InvalidArgumentError("must be a number > 0");
  return number;
}

export function parseCount(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError("must be a whole number ≥ 0");
  return number;
}

export function collectList(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function collectEnv(
  value: string,
  previous: Record<string, string>,
): Record<string, string> {
  const at = value.indexOf("=");
  if (at < 1) throw new InvalidArgumentError("must be KEY=VALUE");
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** Copies the flags that were given (commander leaves the rest undefined). */
export function defined<T extends object>(values: T): T {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as T;
}

/** The `--prometheus*` flags (PrometheusFlags), shared by run, check and capacity. */
export function addPrometheusOptions(command: Command): Command {
  return command
    .option(
      "--prometheus <url>",
      "also judge server-side SLIs from this Prometheus (and remote-write k6 metrics to it on run)",
    )
    .option("--prometheus-selector <matchers>", 'label matchers for every query, e.g. job="api"')
    .option("--prometheus-timeout-ms <ms>", "timeout per query", parsePositive)
    .option(
      "--prometheus-header <Name: value>",
      "extra header (repeatable; not Authorization)",
      collectList,
      [],
    )
    .option("--prometheus-bearer-token-env <VAR>", "bearer token from this environment variable")
    .option("--prometheus-bearer-token-file <file>", "bearer token from this file")
    .option("--prometheus-basic-user <user>", "basic auth user")
    .option(
      "--prometheus-basic-password-env <VAR>",
      "basic auth password from this environment variable",
    )
    .option("--prometheus-basic-password-file <file>", "basic auth password from this file")
    .option("--cpu-cores <n>", "cores the service may use (CPU objective)", parsePositive)
    .option(
      "--memory-limit-bytes <n>",
      "memory limit of the service (memory objective)",
      parsePositive,
    );
}

/** What --profile takes and what it defaults to, as loadProfile looks profiles up. */
export const PROFILE_HELP =
  "a YAML path, or a name in ./thresholds/profiles/ or slogate's own (generic, users-api, …); default: ./slo.yaml if present, else generic (every request, the seed's tiers)";

/** The flags addVerdictOptions adds, as commander parses them. */
export interface VerdictFlags {
  /** Absent: ./slo.yaml, else the generic profile (loadProfile's lookup). */
  profile?: string;
  require?: RequiredTier;
  window?: string;
  format: StdoutFormat;
}

/** `--profile`, `--require`, `--window` and `--format` (VerdictFlags), shared by run and check. */
export function addVerdictOptions(command: Command): Command {
  return command
    .option("--profile <name|file>", `SLO profile: ${PROFILE_HELP}`)
    .addOption(
      new Option("--require <tier>", "tier required to pass (default: the profile's)").choices(
        TIER_CHOICES,
      ),
    )
    .option("--window <window>", "steady (default), all, or <from>..<to> (ISO, Unix ms, now, -10m)")
    .addOption(
      new Option("--format <format>", "what to print on stdout")
        .choices(FORMAT_CHOICES)
        .default("text"),
    );
}

/** The margin and seed flags shared by compare and the `--baseline` of run and check. */
export interface MarginFlags {
  latencyMargin?: number;
  errorRateMargin?: number;
  throughputMargin?: number;
  seed?: number;
}

function parseFraction(value: string): number {
  const number = parsePositive(value);
  if (number >= 1) throw new InvalidArgumentError("must be a fraction below 1 (0.10 = 10 %)");
  return number;
}

/**
 * `--latency-margin`, `--error-rate-margin`, `--throughput-margin` and
 * `--seed`. Without a flag, the profile's `regression:` margins apply, else
 * the defaults named in the help.
 */
export function addMarginOptions(command: Command): Command {
  return command
    .option(
      "--latency-margin <fraction>",
      "latency percentiles: a change beyond this ratio matters (default: the profile's regression.latency, else 0.10 = +10 %)",
      parseFraction,
    )
    .option(
      "--error-rate-margin <fraction>",
      "error rate: a change beyond this difference matters (default: the profile's regression.errorRate, else 0.001 = 0.1 percentage point)",
      parseFraction,
    )
    .option(
      "--throughput-margin <fraction>",
      "throughput (same offered load only): a drop beyond this ratio matters (default: the profile's regression.throughput, else 0.10 = −10 %)",
      parseFraction,
    )
    .option(
      "--seed <n>",
      "seed of the bootstrap (same runs and seed, same intervals; default 1)",
      parseCount,
    );
}

/** The margins the flags set (only those given: the others come from the profile). */
export function marginsFromFlags(flags: MarginFlags): Partial<ComparisonMargins> {
  return {
    ...(flags.latencyMargin !== undefined ? { latencyRatio: 1 + flags.latencyMargin } : {}),
    ...(flags.errorRateMargin !== undefined ? { errorRateDifference: flags.errorRateMargin } : {}),
    ...(flags.throughputMargin !== undefined
      ? { throughputRatio: 1 - flags.throughputMargin }
      : {}),
  };
}

/** The flags addBaselineOptions adds. */
export interface BaselineFlags extends MarginFlags {
  baseline?: string[];
  baselineAdvisory?: boolean;
}

/** `--baseline <files...>`, `--baseline-advisory` and the margin flags, shared by run and check. */
export function addBaselineOptions(command: Command): Command {
  return addMarginOptions(
    command
      .option(
        "--baseline <files...>",
        "also compare with this baseline: an evidence.json, a run directory (reports/<id>/) or k6 NDJSON (several merge); a regression fails the run",
      )
      .option(
        "--baseline-advisory",
        "an inconclusive comparison does not hold a passing run back (a regression still fails it)",
      ),
  );
}

/** The BaselineOptions of run and check from their flags; undefined without --baseline. */
export function baselineFromFlags(flags: BaselineFlags): BaselineOptions | undefined {
  if (!flags.baseline || flags.baseline.length === 0) {
    if (flags.baselineAdvisory) {
      throw new ConfigError(
        "BASELINE_MISSING",
        "--baseline-advisory: no --baseline given; pass --baseline <evidence.json|run-dir|k6.ndjson>",
      );
    }
    return undefined;
  }
  return {
    paths: flags.baseline,
    advisory: flags.baselineAdvisory === true,
    margins: marginsFromFlags(flags),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
  };
}
