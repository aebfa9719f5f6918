import { Option, type Command } from "commander";
import type { CapacityStep } from "../core/capacity/result.js";
import type { RequiredTier } from "../core/types.js";
import type { PrometheusFlags } from "../sources/prometheus/collector.js";
import type { CliContext } from "./context.js";
import { CAPACITY_EXIT } from "./exit-codes.js";
import {
  addPrometheusOptions,
  collectEnv,
  defined,
  parsePositive,
  TIER_CHOICES,
} from "./options.js";

/** Commander wiring for `slogate capacity`. */

interface CapacityFlags extends PrometheusFlags {
  target: string;
  profile?: string;
  require?: RequiredTier;
  scenario: string;
  startRate?: number;
  maxRate?: number;
  precision?: number;
  growth?: number;
  budget?: number;
  warmup?: number;
  step?: number;
  maxSteps?: number;
  maxVus?: number;
  reportsDir: string;
  env: Record<string, string>;
}

/** A finished step as one progress line on stderr. */
function describeStep(done: CapacityStep): string {
  const achieved =
    done.achievedRatePerSecond === null ? "n/a" : done.achievedRatePerSecond.toFixed(1);
  const by = done.limitedBy ? ` (limited by the ${done.limitedBy})` : "";
  return `step ${done.index}: ${done.ratePerSecond} req/s offered, ${achieved} achieved: ${done.outcome}${by}\n`;
}

export function registerCapacityCommand(program: Command, cli: CliContext): void {
  addPrometheusOptions(program.command("capacity"))
    .description(
      "search the highest arrival rate at which the profile's latency and error tiers still hold",
    )
    .requiredOption("--target <url>", "base URL of the service under test")
    .option(
      "--profile <name|file>",
      "SLO profile whose latency and error objectives decide each step: a YAML path or a profile name; default: ./slo.yaml if present, else products-api (the reference service the bundled capacity scenario drives)",
    )
    .addOption(
      new Option("--require <tier>", "tier each step must reach (default: the profile's)").choices(
        TIER_CHOICES,
      ),
    )
    .option(
      "--scenario <name|file>",
      "the bundled capacity scenario, or the path of your own .ts or .js step scenario (README: Writing a capacity scenario)",
      "capacity",
    )
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
    .action(async (flags: CapacityFlags) => {
      // A signal stops the search after the current step; the steps done are reported below.
      const signal = cli.interruptSignal();
      const { capacity } = await import("../commands/capacity/capacity.js");
      const { prometheusOptionsFromFlags } = await import("../sources/prometheus/collector.js");
      const prometheus = prometheusOptionsFromFlags(flags);
      const result = await capacity({
        target: flags.target,
        profile: flags.profile,
        scenario: flags.scenario,
        reportsDir: flags.reportsDir,
        env: flags.env,
        onStep: (done) => void process.stderr.write(describeStep(done)),
        signal,
        ...defined({
          require: flags.require,
          startRatePerSecond: flags.startRate,
          maxRatePerSecond: flags.maxRate,
          precision: flags.precision,
          growthFactor: flags.growth,
          budgetSeconds: flags.budget,
          warmUpSeconds: flags.warmup,
          steadySeconds: flags.step,
          maxSteps: flags.maxSteps,
          maxVUs: flags.maxVus,
          prometheus,
        }),
      });
      const { renderCapacityText } = await import("../reports/capacity-text.js");
      process.stdout.write(renderCapacityText(result.result, result.redaction));
      process.stdout.write(`reports: ${result.dir}\n`);
      cli.setExitCode(CAPACITY_EXIT[result.result.kind]);
    });
}
