import { InvalidArgumentError, Option, type Command } from "commander";
import type { PrometheusFlags } from "../sources/prometheus/collector.js";
import type { CapacityStep } from "../core/capacity/result.js";

/**
 * Commander wiring for the generators and hooks that other systems consume:
 * Argo Rollouts templates, Prometheus rules, the analysis web endpoint and
 * k6-operator TestRuns. Wiring only: each action calls a command function.
 */

const TIER_CHOICES = ["target", "good", "excellent"] as const;
type TierChoice = (typeof TIER_CHOICES)[number];

function parsePositive(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new InvalidArgumentError("must be a number > 0");
  return number;
}

function parseCount(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError("must be a whole number ≥ 0");
  return number;
}

function collectList(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function collectEnv(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf("=");
  if (at < 1) throw new InvalidArgumentError("must be KEY=VALUE");
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** Copies the flags that were given (commander leaves the rest undefined). */
function defined<T extends object>(values: T): T {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as T;
}

/** Prints generated YAML unless it went to a file, and says where it went. */
function emitYaml(result: { yaml: string; file: string | null }): void {
  if (result.file) process.stderr.write(`slogate: wrote ${result.file}\n`);
  else process.stdout.write(result.yaml);
}

interface ArgoFlags {
  provider: "prometheus" | "web" | "job";
  profile: string;
  kind?: "AnalysisTemplate" | "ClusterAnalysisTemplate";
  name?: string;
  namespace?: string;
  require?: TierChoice;
  out?: string;
  interval?: string;
  count?: number;
  failureLimit?: number;
  inconclusiveLimit?: number;
  initialDelay?: string;
  serviceLabel?: string;
  namespaceLabel?: string;
  canaryLabel?: string;
  prometheusAddress?: string;
  range?: string;
  timeout?: number;
  cpuCores?: number;
  memoryLimitBytes?: number;
  serveUrl?: string;
  tokenSecret?: string;
  image?: string;
  scenario?: string;
  rate?: number;
  timeScale?: number;
  activeDeadline?: number;
}

/** Capacity outcomes that are an answer (exit 0), none (1), or no evidence (2). */
const CAPACITY_EXIT: Record<string, number> = {
  found: 0,
  "generator-limited": 0,
  "ceiling-reached": 0,
  "lower-bound": 0,
  "no-passing-rate": 1,
  "no-result": 2,
};

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

export function registerIntegrationCommands(program: Command): void {
  addPrometheusOptions(program.command("capacity"))
    .description(
      "search the highest arrival rate at which the profile's latency and error tiers still hold",
    )
    .requiredOption("--target <url>", "base URL of the service under test")
    .option(
      "--profile <name|file>",
      "SLO profile (its latency and error objectives decide each step)",
      "products-api",
    )
    .addOption(
      new Option("--require <tier>", "tier each step must reach (default: the profile's)").choices(
        TIER_CHOICES,
      ),
    )
    .option("--scenario <name>", "scenario with one request per iteration", "capacity")
    .option("--start-rate <n>", "first step, req/s", parsePositive)
    .option("--max-rate <n>", "ceiling: never offer more, req/s", parsePositive)
    .option("--precision <ratio>", "stop when the bracket is this tight (0.05 = 5%)", parsePositive)
    .option("--growth <factor>", "rate multiplier while steps pass", parsePositive)
    .option("--budget <seconds>", "time budget for the whole search", parsePositive)
    .option("--warmup <seconds>", "warm-up per step, not judged", parsePositive)
    .option("--step <seconds>", "judged seconds per step", parsePositive)
    .option("--max-steps <n>", "most steps", parsePositive)
    .option("--max-vus <n>", "most VUs k6 may use", parsePositive)
    .option("--reports-dir <dir>", "where <run-id>/ is written", "reports")
    .option(
      "-e, --env <KEY=VALUE>",
      "more environment for the scenario (repeatable)",
      collectEnv,
      {},
    )
    .action(async (flags: Record<string, unknown>) => {
      const { capacity } = await import("../commands/capacity/capacity.js");
      const { prometheusOptionsFromFlags } = await import("../sources/prometheus/collector.js");
      const { startRate, maxRate, growth, budget, warmup, step, ...rest } = flags;
      const result = await capacity(
        defined({
          ...rest,
          prometheus: prometheusOptionsFromFlags(flags as PrometheusFlags),
          startRatePerSecond: startRate,
          maxRatePerSecond: maxRate,
          growthFactor: growth,
          budgetSeconds: budget,
          warmUpSeconds: warmup,
          steadySeconds: step,
          onStep: (done: CapacityStep) => {
            const achieved =
              done.achievedRatePerSecond === null ? "n/a" : done.achievedRatePerSecond.toFixed(1);
            const by = done.limitedBy ? ` (limited by the ${done.limitedBy})` : "";
            process.stderr.write(
              `step ${done.index}: ${done.ratePerSecond} req/s offered, ${achieved} achieved: ${done.outcome}${by}\n`,
            );
          },
        }) as unknown as Parameters<typeof capacity>[0],
      );
      const { renderCapacityText } = await import("../reports/capacity-text.js");
      process.stdout.write(renderCapacityText(result.result));
      process.stdout.write(`reports: ${result.dir}\n`);
      // Interrupted: the finished steps are reported above; exit as a shell does for SIGINT.
      process.exitCode =
        result.result.stoppedBy === "interrupted" ? 130 : (CAPACITY_EXIT[result.result.kind] ?? 3);
    });

  program
    .command("argo")
    .description(
      "generate an Argo Rollouts AnalysisTemplate from an SLO profile (validated against the CRD)",
    )
    .addOption(
      new Option("--provider <provider>", "how Argo measures")
        .choices(["prometheus", "web", "job"])
        .default("prometheus"),
    )
    .option("--profile <name|file>", "SLO profile", "users-api")
    .addOption(
      new Option("--kind <kind>", "template kind").choices([
        "AnalysisTemplate",
        "ClusterAnalysisTemplate",
      ]),
    )
    .option("--name <name>", "metadata.name (default <profile>-slo)")
    .option("--namespace <ns>", "metadata.namespace")
    .addOption(new Option("--require <tier>", "tier the canary must reach").choices(TIER_CHOICES))
    .option("--out <file>", "write the YAML here instead of stdout")
    .option("--interval <duration>", "time between measurements, e.g. 1m")
    .option("--count <n>", "measurements per metric", parseCount)
    .option("--failure-limit <n>", "failed measurements tolerated", parseCount)
    .option("--inconclusive-limit <n>", "inconclusive measurements tolerated", parseCount)
    .option("--initial-delay <duration>", "wait before the first measurement")
    .option("--service-label <label>", "label naming the service in the series ('none' to drop)")
    .option("--namespace-label <label>", "label naming the namespace ('none' to drop)")
    .option("--canary-label <label>", "label selecting the canary's pods ('none' to drop)")
    .option(
      "--prometheus-address <url>",
      "prometheus provider: Prometheus URL as the cluster sees it",
    )
    .option(
      "--range <duration>",
      "PromQL range per measurement, or the window asked of serve (default 5m)",
    )
    .option("--timeout <seconds>", "prometheus provider: query timeout", parsePositive)
    .option("--cpu-cores <n>", "cores the service may use (CPU objective)", parsePositive)
    .option(
      "--memory-limit-bytes <n>",
      "memory limit of the service (memory objective)",
      parsePositive,
    )
    .option("--serve-url <url>", "web provider: base URL of `slogate serve`")
    .option("--token-secret <name:key>", "web provider: Secret holding serve's bearer token")
    .option("--image <image>", "job provider: the slogate image")
    .option("--scenario <name>", "job provider: scenario to run against the canary")
    .option("--rate <n>", "job provider: steady iterations per second", parsePositive)
    .option(
      "--time-scale <factor>",
      "job provider: scale of the scenario's durations",
      parsePositive,
    )
    .option(
      "--active-deadline <seconds>",
      "job provider: the Job's activeDeadlineSeconds",
      parsePositive,
    )
    .action(async (flags: ArgoFlags) => {
      const { argo } = await import("../commands/argo.js");
      const { timeout, rate, activeDeadline, ...rest } = flags;
      const result = argo(
        defined({
          ...rest,
          timeoutSeconds: timeout,
          ratePerSecond: rate,
          activeDeadlineSeconds: activeDeadline,
        }),
      );
      for (const skipped of result.skipped) {
        process.stderr.write(`slogate: ${skipped.id} is not in the template: ${skipped.reason}\n`);
      }
      emitYaml(result);
    });

  program
    .command("rules")
    .description(
      "generate Prometheus alerting rules (seed alerts + multi-window burn-rate) from an SLO profile",
    )
    .option("--profile <name|file>", "SLO profile", "users-api")
    .option(
      "--selector <label=value>",
      "label matcher for the service's series (repeatable)",
      collectList,
      [],
    )
    .addOption(
      new Option("--format <format>", "output shape")
        .choices(["prometheus-rule", "rule-file"])
        .default("prometheus-rule"),
    )
    .option("--name <name>", "metadata.name")
    .option("--namespace <ns>", "metadata.namespace")
    .option("--rule-label <k=v>", "label on every alert (repeatable)", collectList, [])
    .option("--interval <duration>", "rule group evaluation interval")
    .addOption(new Option("--require <tier>", "tier whose bounds alert").choices(TIER_CHOICES))
    .option("--out <file>", "write the YAML here instead of stdout")
    .option("--check", "check the rules with promtool")
    .action(async (flags: Record<string, unknown>) => {
      const { rules } = await import("../commands/rules.js");
      const result = rules(defined(flags) as unknown as Parameters<typeof rules>[0]);
      if (result.promtool) process.stderr.write(result.promtool.output.trimEnd() + "\n");
      emitYaml(result);
      if (result.promtool && !result.promtool.ok) process.exitCode = 3;
    });

  program
    .command("serve")
    .description(
      "web analysis endpoint: GET /v1/analysis/<profile>?window=5m answers a verdict from Prometheus",
    )
    .requiredOption("--prometheus <url>", "Prometheus to query (never taken from a request)")
    .option("--host <host>", "bind address", "127.0.0.1")
    .option("--port <port>", "port", parseCount, 8090)
    .option(
      "--thresholds-dir <dir>",
      "where profiles/ and tiers.yaml are (profiles are taken by name only)",
    )
    .option("--token-file <file>", "require this bearer token (read from a file)")
    .option("--token-env <VAR>", "require this bearer token (read from an environment variable)")
    .option("--service-label <label>", "label naming the service")
    .option("--namespace-label <label>", "label naming the namespace")
    .option("--canary-label <label>", "label selecting the canary")
    .option("--selector <matchers>", "label matchers added to every query")
    .option("--cpu-cores <n>", "cores the service may use", parsePositive)
    .option("--memory-limit-bytes <n>", "memory limit of the service", parsePositive)
    .option("--timeout-ms <ms>", "deadline per request", parsePositive)
    .option("--max-concurrent <n>", "requests judged at once", parsePositive)
    .option("--max-window-seconds <s>", "largest window a request may ask for", parsePositive)
    .action(async (flags: Record<string, unknown>) => {
      const { serve } = await import("../commands/serve.js");
      const running = await serve(defined(flags) as unknown as Parameters<typeof serve>[0]);
      process.stderr.write(`slogate serve on ${running.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void running.close().then(resolve);
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });

  const k8s = program
    .command("k8s")
    .description("manifests for running slogate's scenarios in Kubernetes");
  k8s
    .command("testrun")
    .description(
      "generate a k6-operator TestRun (and its script ConfigMap) for a scenario, validated against the CRD",
    )
    .argument("<scenario>", "scenario name")
    .requiredOption("--target <url>", "base URL of the service, as the runners see it")
    .option("--name <name>", "TestRun name")
    .option("--namespace <ns>", "namespace")
    .option("--parallelism <n>", "runner pods", parsePositive)
    .option("--profile <name|file>", "SLO profile for the thresholds", "users-api")
    .addOption(new Option("--require <tier>", "tier k6's thresholds mirror").choices(TIER_CHOICES))
    .option("--rate <n>", "steady iterations per second (all runners together)", parsePositive)
    .option("--time-scale <factor>", "scale of the scenario's durations", parsePositive)
    .option(
      "-e, --env <KEY=VALUE>",
      "more environment for the scenario (repeatable)",
      collectEnv,
      {},
    )
    .option(
      "--prometheus-remote-write <url>",
      "remote-write k6 metrics here, tagged with the test id",
    )
    .option("--test-id <id>", "testid tag (default: generated)")
    .option("--image <image>", "runner image")
    .option("--cpu <quantity>", "runner CPU request/limit, e.g. 1")
    .option("--memory <quantity>", "runner memory request/limit, e.g. 512Mi")
    .option("--separate", "one runner per node")
    .option("--cleanup", "delete the TestRun's resources when done")
    .option("--out <file>", "write the YAML here instead of stdout")
    .action(async (scenario: string, flags: Record<string, unknown>) => {
      const { k8sTestRun } = await import("../commands/k8s-testrun.js");
      const { rate, prometheusRemoteWrite, out, ...rest } = flags;
      const result = await k8sTestRun(
        defined({
          ...rest,
          scenario,
          ratePerSecond: rate,
          prometheusRemoteWriteUrl: prometheusRemoteWrite,
          output: out,
        }) as unknown as Parameters<typeof k8sTestRun>[0],
      );
      emitYaml({ yaml: result.yaml, file: result.file });
    });
}
