import { InvalidArgumentError, Option, type Command } from "commander";
import type { ComparisonReport } from "../core/compare-runs.js";
import type { CliContext } from "./context.js";
import { COMPARISON_EXIT } from "./exit-codes.js";
import { parsePositive, PROFILE_HELP } from "./options.js";

/** Commander wiring for `slogate compare`. */

const COMPARE_FORMATS = ["text", "json", "markdown"] as const;
type CompareFormat = (typeof COMPARE_FORMATS)[number];

interface CompareFlags {
  profile?: string;
  format: CompareFormat;
  out?: string;
  latencyMargin: number;
  errorRateMargin: number;
  throughputMargin: number;
  seed?: number;
}

function parseFraction(value: string): number {
  const number = parsePositive(value);
  if (number >= 1) throw new InvalidArgumentError("must be a fraction below 1 (0.10 = 10 %)");
  return number;
}

async function render(format: CompareFormat, report: ComparisonReport): Promise<string> {
  if (format === "json")
    return (await import("../reports/comparison-json.js")).renderComparisonJson(report);
  if (format === "markdown")
    return (await import("../reports/comparison-markdown.js")).renderComparisonMarkdown(report);
  return (await import("../reports/comparison-text.js")).renderComparisonText(report);
}

export function registerCompareCommand(program: Command, cli: CliContext): void {
  program
    .command("compare")
    .description(
      "did it get worse? compare a candidate run with a baseline, objective by objective, with confidence intervals",
    )
    .argument(
      "<baseline>",
      "an evidence.json, a run directory (reports/<id>/) or k6 NDJSON (plain or .gz)",
    )
    .argument("<candidate>", "the same kinds as the baseline")
    .option("--profile <name|file>", `SLO profile: ${PROFILE_HELP}`)
    .option(
      "--latency-margin <fraction>",
      "latency percentiles: a change beyond this ratio matters (0.10 = +10 %)",
      parseFraction,
      0.1,
    )
    .option(
      "--error-rate-margin <fraction>",
      "error rate: a change beyond this difference matters (0.001 = 0.1 percentage point)",
      parseFraction,
      0.001,
    )
    .option(
      "--throughput-margin <fraction>",
      "throughput (same offered load only): a drop beyond this ratio matters (0.10 = −10 %)",
      parseFraction,
      0.1,
    )
    .option(
      "--seed <n>",
      "seed of the bootstrap (same runs and seed, same intervals)",
      parsePositive,
    )
    .addOption(
      new Option("--format <format>", "what to print on stdout")
        .choices(COMPARE_FORMATS)
        .default("text"),
    )
    .option("--out <dir>", "also write comparison.json, comparison.md and comparison.txt here")
    .action(async (baseline: string, candidate: string, flags: CompareFlags) => {
      const { compare, writeComparisonReports } = await import("../commands/compare.js");
      const report = await compare({
        baseline,
        candidate,
        ...(flags.profile ? { profile: flags.profile } : {}),
        margins: {
          latencyRatio: 1 + flags.latencyMargin,
          errorRateDifference: flags.errorRateMargin,
          throughputRatio: 1 - flags.throughputMargin,
        },
        ...(flags.seed !== undefined ? { seed: Math.floor(flags.seed) } : {}),
      });
      if (flags.out) await writeComparisonReports(flags.out, report);
      process.stdout.write(await render(flags.format, report));
      const { appendGithubStepSummary } = await import("../reports/github-step-summary.js");
      await appendGithubStepSummary(await render("markdown", report), process.env);
      cli.setExitCode(COMPARISON_EXIT[report.comparison.verdict]);
    });
}
