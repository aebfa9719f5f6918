import { Option, type Command } from "commander";
import type { RequiredTier } from "../core/types.js";
import type { CliContext } from "./context.js";
import { ERROR_EXIT } from "./exit-codes.js";
import {
  collectEnv,
  collectList,
  defined,
  parseCount,
  parsePositive,
  PROFILE_HELP,
  TIER_CHOICES,
} from "./options.js";

/**
 * Commander wiring for the generators whose output other systems consume:
 * Argo Rollouts templates, Prometheus rules and k6-operator TestRuns.
 */

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
  require?: RequiredTier;
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

interface RulesFlags {
  profile: string;
  selector: string[];
  format: "prometheus-rule" | "rule-file";
  name?: string;
  namespace?: string;
  ruleLabel: string[];
  interval?: string;
  require?: RequiredTier;
  out?: string;
  check?: boolean;
}

interface K8sTestRunFlags {
  target: string;
  name?: string;
  namespace?: string;
  parallelism?: number;
  profile?: string;
  require?: RequiredTier;
  rate?: number;
  timeScale?: number;
  env: Record<string, string>;
  prometheusRemoteWrite?: string;
  testId?: string;
  image?: string;
  cpu?: string;
  memory?: string;
  separate?: boolean;
  cleanup?: boolean;
  out?: string;
  pushInterval?: number;
  prometheusBearerTokenSecret?: string;
  verdictJob?: boolean;
  argoTemplate?: boolean;
  k6Prometheus?: string;
  verdictImage?: string;
  kubectlImage?: string;
  verdictTimeout?: number;
  verdictFormat?: "text" | "json" | "markdown" | "junit";
}

export function registerArgoCommand(program: Command): void {
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
}

export function registerRulesCommand(program: Command, cli: CliContext): void {
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
    .action(async (flags: RulesFlags) => {
      const { rules } = await import("../commands/rules.js");
      const result = rules(
        defined({
          profile: flags.profile,
          selector: flags.selector,
          format: flags.format,
          name: flags.name,
          namespace: flags.namespace,
          ruleLabel: flags.ruleLabel,
          interval: flags.interval,
          require: flags.require,
          out: flags.out,
          check: flags.check,
        }),
      );
      if (result.promtool) process.stderr.write(result.promtool.output.trimEnd() + "\n");
      emitYaml(result);
      if (result.promtool && !result.promtool.ok) cli.setExitCode(ERROR_EXIT);
    });
}

export function registerK8sCommands(program: Command): void {
  const k8s = program
    .command("k8s")
    .description("manifests for running slogate's scenarios in Kubernetes");
  k8s
    .command("testrun")
    .description(
      "generate a k6-operator TestRun (and its script ConfigMap) for a scenario, validated against the CRD",
    )
    .argument(
      "<scenario>",
      "a bundled scenario's name or the path of your own .ts or .js file (inlined into the ConfigMap)",
    )
    .requiredOption("--target <url>", "base URL of the service, as the runners see it")
    .option("--name <name>", "TestRun name")
    .option("--namespace <ns>", "namespace")
    .option("--parallelism <n>", "runner pods", parsePositive)
    .option("--profile <name|file>", `SLO profile for the runners' thresholds: ${PROFILE_HELP}`)
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
    .option(
      "--push-interval <seconds>",
      "how often each runner pushes to Prometheus (default 5)",
      parsePositive,
    )
    .option(
      "--prometheus-bearer-token-secret <secret:key>",
      "Secret key holding a bearer token for Prometheus (runners and verdict; never in the YAML)",
    )
    .option("--test-id <id>", "testid tag (default: generated)")
    .option("--image <image>", "runner image")
    .option("--cpu <quantity>", "runner CPU request/limit, e.g. 1")
    .option("--memory <quantity>", "runner memory request/limit, e.g. 512Mi")
    .option("--separate", "one runner per node")
    .option("--cleanup", "delete the TestRun's resources when done")
    .option(
      "--verdict-job",
      "also a Job that waits for the TestRun to finish and runs `slogate check --k6-prometheus` (exit code = verdict), with its ServiceAccount, Role and RoleBinding",
    )
    .option(
      "--argo-template",
      "also an Argo Rollouts AnalysisTemplate whose job provider runs the same wait and check",
    )
    .option(
      "--k6-prometheus <url>",
      "verdict: Prometheus as the check queries it (default: the remote-write URL without /api/v1/write)",
    )
    .option("--verdict-image <image>", "verdict: the slogate image")
    .option("--kubectl-image <image>", "verdict: an image with sh and kubectl for the wait")
    .option(
      "--verdict-timeout <seconds>",
      "verdict: how long to wait for the TestRun (default 3600)",
      parsePositive,
    )
    .addOption(
      new Option("--verdict-format <format>", "verdict: the check's output (default text)").choices(
        ["text", "json", "markdown", "junit"],
      ),
    )
    .option("--out <file>", "write the YAML here instead of stdout")
    .action(async (scenario: string, flags: K8sTestRunFlags) => {
      const { k8sTestRun } = await import("../commands/k8s-testrun.js");
      const result = await k8sTestRun({
        scenario,
        target: flags.target,
        profile: flags.profile,
        env: flags.env,
        ...defined({
          name: flags.name,
          namespace: flags.namespace,
          parallelism: flags.parallelism,
          require: flags.require,
          ratePerSecond: flags.rate,
          timeScale: flags.timeScale,
          prometheusRemoteWriteUrl: flags.prometheusRemoteWrite,
          testId: flags.testId,
          image: flags.image,
          cpu: flags.cpu,
          memory: flags.memory,
          separate: flags.separate,
          cleanup: flags.cleanup,
          output: flags.out,
          pushIntervalSeconds: flags.pushInterval,
          bearerTokenSecret: flags.prometheusBearerTokenSecret,
          verdictJob: flags.verdictJob,
          argoTemplate: flags.argoTemplate,
          k6PrometheusUrl: flags.k6Prometheus,
          verdictImage: flags.verdictImage,
          kubectlImage: flags.kubectlImage,
          verdictTimeoutSeconds: flags.verdictTimeout,
          verdictFormat: flags.verdictFormat,
        }),
      });
      emitYaml({ yaml: result.yaml, file: result.file });
    });
}
