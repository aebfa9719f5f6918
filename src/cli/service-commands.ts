import { Option, type Command } from "commander";
import type { CliContext } from "./context.js";
import { defined, parseCount, parsePositive } from "./options.js";

/**
 * Commander wiring for what runs before and beside a test: provisioning k6,
 * listing the scenarios, the reference services, and the analysis endpoint.
 */

interface TargetsStartFlags {
  port: string;
  host: string;
  adminPort: string;
  faults?: string;
  orderDelayMs: string;
  rateLimitRps: string;
  rateLimitBurst?: string;
  withPrometheus?: boolean;
  withPostgres?: boolean;
}

interface ServeFlags {
  prometheus: string;
  host: string;
  port: number;
  thresholdsDir?: string;
  tokenFile?: string;
  tokenEnv?: string;
  serviceLabel?: string;
  namespaceLabel?: string;
  canaryLabel?: string;
  selector?: string;
  cpuCores?: number;
  memoryLimitBytes?: number;
  timeoutMs?: number;
  maxConcurrent?: number;
  maxWindowSeconds?: number;
}

export function registerSetupCommand(program: Command): void {
  program
    .command("setup")
    .description(
      "provision k6 (built from its pinned Go module into the per-user cache) and, for tests/bench, the Debian packages they use",
    )
    .addOption(
      new Option("--for <purpose>", "what to provision for")
        .choices(["run", "tests", "bench"])
        .default("run"),
    )
    .action(async (flags: { for: "run" | "tests" | "bench" }) => {
      const { setup, describeK6Location } = await import("../commands/setup.js");
      const result = await setup({ purpose: flags.for });
      if (result.installedPackages.length > 0) {
        process.stdout.write(`installed: ${result.installedPackages.join(" ")}\n`);
      }
      process.stdout.write(`${describeK6Location(result).join("\n")}\n`);
    });
}

export function registerInitCommand(program: Command): void {
  program
    .command("init")
    .description(
      "scaffold slogate in your project: slo.yaml, scenarios and CI files; never overwrites a file",
    )
    .option("--dir <dir>", "project folder to write into", ".")
    .action(async (flags: { dir: string }) => {
      const { init } = await import("../commands/init.js");
      const result = init({ dir: flags.dir });
      for (const file of result.written) process.stdout.write(`wrote ${file}\n`);
      for (const file of result.kept) {
        process.stdout.write(`kept  ${file} (exists; left as it is)\n`);
      }
      process.stdout.write(`\nnext:\n${result.nextSteps.map((step) => `  ${step}\n`).join("")}`);
    });
}

export function registerScenariosCommand(program: Command): void {
  program
    .command("scenarios")
    .description("list the bundled k6 scenarios")
    .action(async () => {
      const { listScenarios } = await import("../k6/bundle.js");
      process.stdout.write(`${listScenarios().join("\n")}\n`);
    });
}

export function registerTargetsCommands(program: Command, cli: CliContext): void {
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
    .action(async (flags: TargetsStartFlags) => {
      const signal = cli.stopSignal();
      const { runTargets } = await import("../commands/targets-start.js");
      // --with-postgres or DATABASE_URL: the service stores its data in PostgreSQL.
      await runTargets({
        port: flags.port,
        host: flags.host,
        adminPort: flags.adminPort,
        orderDelayMs: flags.orderDelayMs,
        rateLimitRps: flags.rateLimitRps,
        withPrometheus: flags.withPrometheus === true,
        withPostgres: flags.withPostgres === true,
        signal,
        ...(flags.faults ? { faults: flags.faults } : {}),
        ...(flags.rateLimitBurst ? { rateLimitBurst: flags.rateLimitBurst } : {}),
      });
    });
}

export function registerServeCommand(program: Command, cli: CliContext): void {
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
    .action(async (flags: ServeFlags) => {
      const signal = cli.stopSignal();
      const { serve } = await import("../commands/serve.js");
      const running = await serve({
        prometheus: flags.prometheus,
        host: flags.host,
        port: flags.port,
        signal,
        ...defined({
          thresholdsDir: flags.thresholdsDir,
          tokenFile: flags.tokenFile,
          tokenEnv: flags.tokenEnv,
          serviceLabel: flags.serviceLabel,
          namespaceLabel: flags.namespaceLabel,
          canaryLabel: flags.canaryLabel,
          selector: flags.selector,
          cpuCores: flags.cpuCores,
          memoryLimitBytes: flags.memoryLimitBytes,
          timeoutMs: flags.timeoutMs,
          maxConcurrent: flags.maxConcurrent,
          maxWindowSeconds: flags.maxWindowSeconds,
        }),
      });
      process.stderr.write(`slogate serve on ${running.url}\n`);
      await running.closed;
    });
}
