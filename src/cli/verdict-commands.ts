import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Option, type Command } from "commander";
import type { ReportInput, RequiredTier } from "../core/types.js";
import type { PrometheusFlags } from "../sources/prometheus/collector.js";
import type { CliContext } from "./context.js";
import { VERDICT_EXIT } from "./exit-codes.js";
import {
  addBaselineOptions,
  addPrometheusOptions,
  addVerdictOptions,
  collectEnv,
  parsePositive,
  baselineFromFlags,
  TIER_CHOICES,
  type BaselineFlags,
  type StdoutFormat,
  type VerdictFlags,
} from "./options.js";

/** Commander wiring for the commands that end in a verdict: run, check and demo. */

interface RunFlags extends VerdictFlags, PrometheusFlags, BaselineFlags {
  target: string;
  rate?: number;
  timeScale?: number;
  env: Record<string, string>;
  reportsDir: string;
}

interface CheckFlags extends VerdictFlags, PrometheusFlags, BaselineFlags {
  k6?: string[];
  k6Prometheus?: string;
  testId?: string;
  k6PrometheusLookback?: number;
  k6ExitCode?: string;
  out?: string;
}

interface DemoFlags {
  rate: number;
  timeScale: number;
  require?: RequiredTier;
  withPrometheus?: boolean;
  withPostgres?: boolean;
}

/** `--k6-prometheus` with `--test-id` (exactly one of it and `--k6`), its auth from the --prometheus-* flags. */
async function k6PrometheusFromFlags(flags: CheckFlags) {
  const { ConfigError } = await import("../errors.js");
  if (flags.k6Prometheus === undefined) {
    if (!flags.k6 || flags.k6.length === 0) {
      throw new ConfigError(
        "K6_INPUT_MISSING",
        "check: give --k6 <files...> (k6 results), or --k6-prometheus <url> --test-id <id> (a run the runners pushed to Prometheus)",
      );
    }
    if (flags.testId !== undefined) {
      throw new ConfigError("K6_TEST_ID_ALONE", "--test-id: only with --k6-prometheus <url>");
    }
    return undefined;
  }
  if (flags.k6 && flags.k6.length > 0) {
    throw new ConfigError(
      "K6_INPUT_AMBIGUOUS",
      "check: give either --k6 <files...> or --k6-prometheus <url>, not both",
    );
  }
  if (!flags.testId) {
    throw new ConfigError(
      "K6_TEST_ID_MISSING",
      "--k6-prometheus: add --test-id <id>, the testid tag the runners pushed with",
    );
  }
  const { prometheusOptionsFromFlags } = await import("../sources/prometheus/collector.js");
  const { resolvePrometheusAuth } = await import("../sources/prometheus/auth.js");
  const { checkTestId } = await import("../k6/remote-write.js");
  checkTestId(flags.testId);
  const options = prometheusOptionsFromFlags({ ...flags, prometheus: flags.k6Prometheus });
  if (!options) return undefined;
  return {
    connection: {
      url: options.url,
      auth: resolvePrometheusAuth(options.auth ?? { kind: "none" }),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    },
    testId: flags.testId,
    ...(flags.k6PrometheusLookback !== undefined
      ? { lookbackSeconds: flags.k6PrometheusLookback }
      : {}),
  };
}

/** Prints the verdict in the chosen format on stdout, appends Markdown to a GitHub job summary; returns the exit code. */
async function emitVerdict(input: ReportInput, format: StdoutFormat): Promise<number> {
  const { renderReport, appendGithubStepSummary } = await import("../reports/index.js");
  const color = format === "text" && process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(renderReport(format, input, { color }));
  await appendGithubStepSummary(renderReport("markdown", input), process.env);
  return VERDICT_EXIT[input.verdict.verdict];
}

export function registerVerdictCommands(program: Command, cli: CliContext): void {
  addBaselineOptions(
    addPrometheusOptions(
      addVerdictOptions(
        program
          .command("run")
          .description(
            "run a scenario with k6 against a target, judge it and write reports/<run-id>/",
          )
          .argument(
            "<scenario>",
            "a bundled scenario's name (see `slogate scenarios`) or the path of your own .ts or .js file (type-checked, bundled with its npm dependencies)",
          )
          .requiredOption("--target <url>", "base URL of the service under test")
          .option("--rate <n>", "steady iterations per second", parsePositive)
          .option(
            "--time-scale <factor>",
            "multiply every scenario duration (0.05 for a short CI run)",
            parsePositive,
          )
          .option(
            "-e, --env <KEY=VALUE>",
            "more environment for the scenario (repeatable)",
            collectEnv,
            {},
          )
          .option("--reports-dir <dir>", "where <run-id>/ is written", "reports"),
      ),
    ),
  ).action(async (scenario: string, flags: RunFlags) => {
    const signal = cli.interruptSignal();
    const { run } = await import("../commands/run.js");
    const { parseWindowOption } = await import("../commands/check.js");
    const { prometheusOptionsFromFlags } = await import("../sources/prometheus/collector.js");
    const prometheus = prometheusOptionsFromFlags(flags);
    const baseline = baselineFromFlags(flags);
    const result = await run({
      scenario,
      target: flags.target,
      profile: flags.profile,
      env: flags.env,
      reportsDir: flags.reportsDir,
      // k6's progress goes to stderr so stdout stays the verdict in --format.
      onK6Output: (chunk) => void process.stderr.write(chunk),
      signal,
      ...(flags.require ? { require: flags.require } : {}),
      ...(flags.window ? { window: parseWindowOption(flags.window) } : {}),
      ...(flags.rate !== undefined ? { ratePerSecond: flags.rate } : {}),
      ...(flags.timeScale !== undefined ? { timeScale: flags.timeScale } : {}),
      ...(prometheus ? { prometheus } : {}),
      ...(baseline ? { baseline } : {}),
    });
    process.stderr.write(
      `slogate: k6 ${result.k6.exit.code} (${result.k6.exit.name}); reports in ${result.dir}\n`,
    );
    cli.setExitCode(await emitVerdict(result.report, flags.format));
  });

  addBaselineOptions(
    addPrometheusOptions(
      addVerdictOptions(
        program
          .command("check")
          .description(
            "judge k6 results produced elsewhere (NDJSON from --out json, plain or .gz, or a summary JSON)",
          )
          .option(
            "--k6 <files...>",
            "k6 result files; several NDJSON files (distributed runners) merge",
          )
          .option(
            "--k6-prometheus <url>",
            "instead of --k6: read the run from the metrics its k6 runners pushed to this Prometheus (remote write with K6_FEATURES=native-histograms); auth as the --prometheus-* flags",
          )
          .option("--test-id <id>", "with --k6-prometheus: the run's testid tag")
          .option(
            "--k6-prometheus-lookback <seconds>",
            "with --k6-prometheus: how long ago the run may have started (default 86400)",
            parsePositive,
          )
          .option("--k6-exit-code <code>", "k6's exit code, if known (99 = its thresholds crossed)")
          .option(
            "--out <dir>",
            "also write every report format and the run's evidence.json into this directory",
          ),
      ),
    ),
  ).action(async (flags: CheckFlags) => {
    const { check, parseWindowOption } = await import("../commands/check.js");
    const { createPrometheusCollector, prometheusOptionsFromFlags } =
      await import("../sources/prometheus/collector.js");
    const { loadProfile } = await import("../sources/load-profile.js");
    const prometheus = prometheusOptionsFromFlags(flags);
    const baseline = baselineFromFlags(flags);
    const k6Prometheus = await k6PrometheusFromFlags(flags);
    if (flags.out) await mkdir(flags.out, { recursive: true });
    const report = await check({
      k6Paths: flags.k6 ?? [],
      ...(k6Prometheus ? { k6Prometheus } : {}),
      profile: flags.profile,
      ...(flags.require ? { require: flags.require } : {}),
      ...(flags.window ? { window: parseWindowOption(flags.window) } : {}),
      ...(flags.k6ExitCode !== undefined ? { k6ExitCode: Number(flags.k6ExitCode) } : {}),
      ...(prometheus
        ? { prometheus: createPrometheusCollector(loadProfile(flags.profile).profile, prometheus) }
        : {}),
      ...(baseline ? { baseline } : {}),
      ...(flags.out ? { evidenceFile: path.join(flags.out, "evidence.json") } : {}),
    });
    if (flags.out) {
      const { writeReports } = await import("../reports/index.js");
      await writeReports(flags.out, report);
    }
    cli.setExitCode(await emitVerdict(report, flags.format));
  });

  program
    .command("demo")
    .description(
      "the main job: start the reference services, run smoke and a short load test with k6, judge, report; then the load again with an injected latency fault, compared with the first as its baseline",
    )
    .option("--rate <n>", "steady iterations per second of the load test", parsePositive, 50)
    .option("--time-scale <factor>", "scale of the 2m/5m/2m load shape", parsePositive, 0.1)
    .addOption(new Option("--require <tier>", "tier required to pass").choices(TIER_CHOICES))
    .option(
      "--with-prometheus",
      "also run Prometheus and judge server-side SLIs (db p95, CPU, memory)",
    )
    .option("--with-postgres", "keep the service's data in a throwaway PostgreSQL on loopback")
    .action(async (flags: DemoFlags) => {
      const signal = cli.interruptSignal();
      const { demo } = await import("../commands/demo.js");
      const { renderReport } = await import("../reports/index.js");
      const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
      const result = await demo({
        ratePerSecond: flags.rate,
        timeScale: flags.timeScale,
        withPrometheus: flags.withPrometheus === true,
        withPostgres: flags.withPostgres === true,
        onStep: (line) => void process.stdout.write(`\n== ${line}\n`),
        onK6Output: (chunk) => void process.stderr.write(chunk),
        signal,
        ...(flags.require ? { require: flags.require } : {}),
      });
      const steps = [
        ["smoke", result.smoke],
        ["load", result.load],
        ...(result.regression ? [["regression", result.regression] as const] : []),
      ] as const;
      for (const [name, step] of steps) {
        process.stdout.write(
          `\n== ${name}: ${step.report.verdict.verdict} (k6 ${step.k6.exit.code} ${step.k6.exit.name})\n`,
        );
        process.stdout.write(renderReport("text", step.report, { color }));
        process.stdout.write(`reports: ${step.dir} (open ${step.files.html ?? "report.html"})\n`);
      }
      const loadExit = VERDICT_EXIT[result.load.report.verdict.verdict];
      if (!result.regression) {
        cli.setExitCode(loadExit);
        return;
      }
      const regression = result.regression.report.verdict;
      const caught = regression.comparison?.verdict === "regressed";
      process.stdout.write(
        caught
          ? `\n== the regression step failed as it should: its tiers are ${regression.achievedTier ?? "n/a"}, but it is worse than the load run beyond the margin (${result.regressionFault})\n`
          : `\n== the comparison did not call the injected fault (${result.regressionFault}) a regression: ${regression.comparison?.verdict ?? "not compared"}\n`,
      );
      // The demo passes when the load run passed and the injected regression was caught.
      cli.setExitCode(loadExit !== 0 ? loadExit : caught ? 0 : VERDICT_EXIT.inconclusive);
    });
}
