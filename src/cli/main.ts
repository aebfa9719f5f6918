#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { Outcome, ReportInput, RequiredTier } from "../core/types.js";
import type { PrometheusFlags } from "../sources/prometheus/collector.js";
import { addPrometheusOptions, registerIntegrationCommands } from "./integration-commands.js";
import { isToolError } from "../errors.js";

/** Exit codes: the contract CI systems read. */
export const EXIT: Readonly<Record<Outcome, number>> = {
  pass: 0,
  fail: 1,
  inconclusive: 2,
  error: 3,
};

const EXIT_HELP = `
Exit codes:
  0  pass          every mandatory objective reached the required tier
  1  fail          an objective missed the required tier
  2  inconclusive  not enough evidence (no or too few samples, load not delivered, window too short)
  3  error         usage, config, bad input, k6 failure or a missing dependency`;

const TIER_CHOICES = ["target", "good", "excellent"] as const;
const FORMAT_CHOICES = ["text", "json", "markdown", "junit", "html"] as const;
type StdoutFormat = (typeof FORMAT_CHOICES)[number];

function parsePositive(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new InvalidArgumentError("must be a number > 0");
  return number;
}

function collectEnv(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf("=");
  if (at < 1) throw new InvalidArgumentError("must be KEY=VALUE");
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** Prints the verdict in the chosen format on stdout, appends Markdown to a GitHub job summary, sets the exit code. */
async function emitVerdict(input: ReportInput, format: StdoutFormat): Promise<void> {
  const { renderReport, appendGithubStepSummary } = await import("../reports/index.js");
  const color = format === "text" && process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(renderReport(format, input, { color }));
  await appendGithubStepSummary(renderReport("markdown", input), process.env);
  process.exitCode = EXIT[input.verdict.verdict];
}

/** The package's own version: dist/cli.js sits one folder below package.json. */
function readPackageVersion(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}

const program = new Command()
  .name("slogate")
  .description("Load tests with k6, verdicts against SLO tiers.")
  .version(readPackageVersion())
  // Usage errors must exit 3, not commander's 1 (which reads as a failed
  // SLO), with one line rather than the whole help: commander throws instead
  // of exiting and prints nothing; the catch at the end reports it.
  // Subcommands inherit both settings when they are created.
  .exitOverride()
  .configureOutput({ outputError: () => undefined })
  .addHelpText("after", EXIT_HELP);

program
  .command("setup")
  .description(
    "provision k6 (built from its pinned Go module) and, for tests/bench, the Debian packages they use",
  )
  .addOption(
    new Option("--for <purpose>", "what to provision for")
      .choices(["run", "tests", "bench"])
      .default("run"),
  )
  .action(async (opts: { for: "run" | "tests" | "bench" }) => {
    const { setup } = await import("../commands/setup.js");
    const result = await setup({ purpose: opts.for });
    if (result.installedPackages.length > 0) {
      process.stdout.write(`installed: ${result.installedPackages.join(" ")}\n`);
    }
    process.stdout.write(`k6 ${result.k6.version} (${result.k6.source}): ${result.k6.path}\n`);
  });

program
  .command("scenarios")
  .description("list the bundled k6 scenarios")
  .action(async () => {
    const { listScenarios } = await import("../k6/bundle.js");
    process.stdout.write(`${listScenarios().join("\n")}\n`);
  });

const targets = program
  .command("targets")
  .description("the reference services that scenarios drive");
targets
  .command("start")
  .description("run the reference services in the foreground until SIGINT/SIGTERM")
  .option("--port <port>", "service port (0 = any free port)", "8080")
  .option("--host <host>", "service bind address", "127.0.0.1")
  .option("--admin-port <port>", "admin port, always on 127.0.0.1 (0 = any free port)", "8081")
  .option("--faults <spec>", 'fault injection, e.g. "error=0.02,latency=150ms,seed=7"')
  .option("--order-delay-ms <ms>", "time from POST /orders to PAID", "200")
  .option("--rate-limit-rps <n>", "tokens per second per X-User-Id (0 = off)", "100")
  .option("--rate-limit-burst <n>", "token bucket size (default: the rate)")
  .option(
    "--with-prometheus",
    "also start a Prometheus on loopback scraping the service every second",
  )
  .option(
    "--with-postgres",
    "keep the service's data in a throwaway PostgreSQL on loopback (installed if missing)",
  )
  .action(async (opts: Record<string, string | boolean | undefined>) => {
    const { targetsStart } = await import("../commands/targets-start.js");
    const { openSidecars } = await import("../stack/sidecars.js");
    const text = (key: string) => (typeof opts[key] === "string" ? opts[key] : undefined);
    // --with-postgres or DATABASE_URL: the service stores its data in PostgreSQL.
    const sidecars = await openSidecars({
      withPrometheus: opts.withPrometheus === true,
      withPostgres: opts.withPostgres === true,
    });
    try {
      const started = await targetsStart({
        port: text("port"),
        host: text("host"),
        adminPort: text("adminPort"),
        orderDelayMs: text("orderDelayMs"),
        rateLimitRps: text("rateLimitRps"),
        ...(text("faults") ? { faults: text("faults") } : {}),
        ...(text("rateLimitBurst") ? { rateLimitBurst: text("rateLimitBurst") } : {}),
        ...(sidecars.storage ? { storage: sidecars.storage } : {}),
      });
      if (sidecars.databaseUrl) process.stdout.write(`  database  ${sidecars.databaseUrl}\n`);
      const prometheus = await sidecars.attachPrometheus(started.targets.url);
      if (prometheus) {
        process.stdout.write(
          `  prometheus ${prometheus.url} (remote write ${prometheus.remoteWriteUrl})\n`,
        );
      }
      await started.stopped;
    } finally {
      await sidecars.close();
    }
  });

function addVerdictOptions(command: Command): Command {
  return command
    .option(
      "--profile <name|file>",
      "SLO profile: a name in thresholds/profiles or a YAML path",
      "users-api",
    )
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

interface VerdictFlags {
  profile: string;
  require?: RequiredTier;
  window?: string;
  format: StdoutFormat;
}

addPrometheusOptions(
  addVerdictOptions(
    program
      .command("run")
      .description("run a scenario with k6 against a target, judge it and write reports/<run-id>/")
      .argument("<scenario>", "scenario name (see `slogate scenarios`)")
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
).action(
  async (
    scenario: string,
    opts: VerdictFlags &
      PrometheusFlags & {
        target: string;
        rate?: number;
        timeScale?: number;
        env: Record<string, string>;
        reportsDir: string;
      },
  ) => {
    const { run } = await import("../commands/run.js");
    const { parseWindowOption } = await import("../commands/check.js");
    const { prometheusOptionsFromFlags } = await import("../sources/prometheus/collector.js");
    const prometheus = prometheusOptionsFromFlags(opts);
    const result = await run({
      scenario,
      target: opts.target,
      profile: opts.profile,
      env: opts.env,
      reportsDir: opts.reportsDir,
      // k6's progress goes to stderr so stdout stays the verdict in --format.
      onK6Output: (chunk) => void process.stderr.write(chunk),
      ...(opts.require ? { require: opts.require } : {}),
      ...(opts.window ? { window: parseWindowOption(opts.window) } : {}),
      ...(opts.rate !== undefined ? { ratePerSecond: opts.rate } : {}),
      ...(opts.timeScale !== undefined ? { timeScale: opts.timeScale } : {}),
      ...(prometheus ? { prometheus } : {}),
    });
    process.stderr.write(
      `slogate: k6 ${result.k6.exit.code} (${result.k6.exit.name}); reports in ${result.dir}\n`,
    );
    await emitVerdict(result.report, opts.format);
  },
);

addPrometheusOptions(
  addVerdictOptions(
    program
      .command("check")
      .description(
        "judge k6 results produced elsewhere (NDJSON from --out json, plain or .gz, or a summary JSON)",
      )
      .requiredOption(
        "--k6 <files...>",
        "k6 result files; several NDJSON files (distributed runners) merge",
      )
      .option("--k6-exit-code <code>", "k6's exit code, if known (99 = its thresholds crossed)")
      .option("--out <dir>", "also write every report format into this directory"),
  ),
).action(
  async (
    opts: VerdictFlags & PrometheusFlags & { k6: string[]; k6ExitCode?: string; out?: string },
  ) => {
    const { check, parseWindowOption } = await import("../commands/check.js");
    const { createPrometheusCollector, prometheusOptionsFromFlags } =
      await import("../sources/prometheus/collector.js");
    const { loadProfile } = await import("../sources/load-profile.js");
    const prometheus = prometheusOptionsFromFlags(opts);
    const report = await check({
      k6Paths: opts.k6,
      profile: opts.profile,
      ...(opts.require ? { require: opts.require } : {}),
      ...(opts.window ? { window: parseWindowOption(opts.window) } : {}),
      ...(opts.k6ExitCode !== undefined ? { k6ExitCode: Number(opts.k6ExitCode) } : {}),
      ...(prometheus
        ? { prometheus: createPrometheusCollector(loadProfile(opts.profile).profile, prometheus) }
        : {}),
    });
    if (opts.out) {
      const { writeReports } = await import("../reports/index.js");
      await writeReports(opts.out, report);
    }
    await emitVerdict(report, opts.format);
  },
);

program
  .command("demo")
  .description(
    "the main job: start the reference services, run smoke and a short load test with k6, judge, report",
  )
  .option("--rate <n>", "steady iterations per second of the load test", parsePositive, 50)
  .option("--time-scale <factor>", "scale of the 2m/5m/2m load shape", parsePositive, 0.1)
  .addOption(new Option("--require <tier>", "tier required to pass").choices(TIER_CHOICES))
  .option(
    "--with-prometheus",
    "also run Prometheus and judge server-side SLIs (db p95, CPU, memory)",
  )
  .option("--with-postgres", "keep the service's data in a throwaway PostgreSQL on loopback")
  .action(
    async (opts: {
      rate: number;
      timeScale: number;
      require?: RequiredTier;
      withPrometheus?: boolean;
      withPostgres?: boolean;
    }) => {
      const { demo } = await import("../commands/demo.js");
      const { renderReport } = await import("../reports/index.js");
      const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
      const result = await demo({
        ratePerSecond: opts.rate,
        timeScale: opts.timeScale,
        withPrometheus: opts.withPrometheus === true,
        withPostgres: opts.withPostgres === true,
        onStep: (line) => void process.stdout.write(`\n== ${line}\n`),
        onK6Output: (chunk) => void process.stderr.write(chunk),
        ...(opts.require ? { require: opts.require } : {}),
      });
      for (const [name, step] of [
        ["smoke", result.smoke],
        ["load", result.load],
      ] as const) {
        process.stdout.write(
          `\n== ${name}: ${step.report.verdict.verdict} (k6 ${step.k6.exit.code} ${step.k6.exit.name})\n`,
        );
        process.stdout.write(renderReport("text", step.report, { color }));
        process.stdout.write(`reports: ${step.dir} (open ${step.files.html ?? "report.html"})\n`);
      }
      process.exitCode = EXIT[result.load.report.verdict.verdict];
    },
  );

registerIntegrationCommands(program);

/** The subcommands the user typed (`["targets", "start"]`), for the help hint. */
function findCommandPath(root: Command, args: readonly string[]): string[] {
  const names: string[] = [];
  let current = root;
  for (const arg of args) {
    const sub = current.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) break;
    names.push(sub.name());
    current = sub;
  }
  return names;
}

/** Commander's parse errors: --help/--version end 0, every usage error 3 with one line. */
function reportCommanderError(error: CommanderError): void {
  if (error.exitCode === 0) return;
  // "commander.help": no subcommand given, the help is already on stderr.
  if (error.code !== "commander.help") {
    const command = ["slogate", ...findCommandPath(program, process.argv.slice(2))].join(" ");
    const message = error.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
    process.stderr.write(`slogate: ${message}; see \`${command} --help\`\n`);
  }
  process.exitCode = EXIT.error;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    reportCommanderError(error);
    return;
  }
  if (isToolError(error)) {
    process.stderr.write(`slogate: ${error.message}\n`);
  } else {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`slogate: internal error: ${detail}\n`);
  }
  process.exitCode = EXIT.error;
});
