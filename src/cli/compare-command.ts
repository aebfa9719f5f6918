import { Option, type Command } from "commander";
import type { ComparisonReport } from "../core/compare-runs.js";
import type { CliContext } from "./context.js";
import { COMPARISON_EXIT } from "./exit-codes.js";
import { ConfigError } from "../errors.js";
import { addMarginOptions, marginsFromFlags, PROFILE_HELP, type MarginFlags } from "./options.js";

/** Commander wiring for `slogate compare`. */

const COMPARE_FORMATS = ["text", "json", "markdown"] as const;
type CompareFormat = (typeof COMPARE_FORMATS)[number];

interface CompareFlags extends MarginFlags {
  profile?: string;
  format: CompareFormat;
  out?: string;
  baseline?: string[];
  candidate?: string[];
}

/** The two sides: positional, or --baseline/--candidate (several NDJSON files each), not both. */
function sidesOf(
  positional: (string | undefined)[],
  flags: CompareFlags,
): { baseline: string[]; candidate: string[] } {
  const [first, second] = positional;
  if (flags.baseline || flags.candidate) {
    if (first !== undefined) {
      throw new ConfigError(
        "COMPARE_INPUT_AMBIGUOUS",
        `"${first}": give the runs either as two arguments or as --baseline/--candidate, not both`,
      );
    }
    if (!flags.baseline || !flags.candidate) {
      throw new ConfigError(
        "COMPARE_INPUT_MISSING",
        `--${flags.baseline ? "candidate" : "baseline"} missing; give both --baseline <files...> and --candidate <files...>`,
      );
    }
    return { baseline: flags.baseline, candidate: flags.candidate };
  }
  if (first === undefined || second === undefined) {
    throw new ConfigError(
      "COMPARE_INPUT_MISSING",
      "give BASELINE and CANDIDATE (evidence files, run directories or NDJSON), or --baseline <files...> --candidate <files...>",
    );
  }
  return { baseline: [first], candidate: [second] };
}

async function render(format: CompareFormat, report: ComparisonReport): Promise<string> {
  if (format === "json")
    return (await import("../reports/comparison-json.js")).renderComparisonJson(report);
  if (format === "markdown")
    return (await import("../reports/comparison-markdown.js")).renderComparisonMarkdown(report);
  return (await import("../reports/comparison-text.js")).renderComparisonText(report);
}

export function registerCompareCommand(program: Command, cli: CliContext): void {
  const command = program
    .command("compare")
    .description(
      "did it get worse? compare a candidate run with a baseline, objective by objective, with confidence intervals",
    )
    .argument(
      "[baseline]",
      "an evidence.json, a run directory (reports/<id>/) or k6 NDJSON (plain or .gz)",
    )
    .argument("[candidate]", "the same kinds as the baseline")
    .option(
      "--baseline <files...>",
      "instead of the first argument: the baseline's k6 NDJSON files (distributed runners merge), or one evidence file or run directory",
    )
    .option("--candidate <files...>", "instead of the second argument: the candidate's files")
    .option("--profile <name|file>", `SLO profile: ${PROFILE_HELP}`)
    .addOption(
      new Option("--format <format>", "what to print on stdout")
        .choices(COMPARE_FORMATS)
        .default("text"),
    )
    .option("--out <dir>", "also write comparison.json, comparison.md and comparison.txt here");
  addMarginOptions(command).action(
    async (first: string | undefined, second: string | undefined, flags: CompareFlags) => {
      const { compare, writeComparisonReports } = await import("../commands/compare.js");
      const report = await compare({
        ...sidesOf([first, second], flags),
        ...(flags.profile ? { profile: flags.profile } : {}),
        margins: marginsFromFlags(flags),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      });
      if (flags.out) await writeComparisonReports(flags.out, report);
      process.stdout.write(await render(flags.format, report));
      const { appendGithubStepSummary } = await import("../reports/github-step-summary.js");
      await appendGithubStepSummary(await render("markdown", report), process.env);
      cli.setExitCode(COMPARISON_EXIT[report.comparison.verdict]);
    },
  );
}
