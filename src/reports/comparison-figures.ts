import type {
  ComparedRunBlock,
  ComparisonObjectiveBlock,
  VerdictComparison,
} from "../core/comparison-block.js";
import type { ComparisonVerdict } from "../core/compare/index.js";
import { formatNumber, formatValue, MISSING } from "./format.js";

/**
 * Figures of a compared objective in words, from the flat block verdict.json
 * carries: the one set of formatters behind `slogate compare`'s reports and
 * the "Compared with baseline" section of every verdict report.
 */

const VERDICT_WORDS: Record<ComparisonVerdict, string> = {
  regressed: "REGRESSED",
  unchanged: "UNCHANGED",
  improved: "IMPROVED",
  inconclusive: "INCONCLUSIVE",
};

/** `REGRESSED`, `UNCHANGED`, `IMPROVED`, `INCONCLUSIVE`. */
export function formatComparisonVerdict(verdict: ComparisonVerdict): string {
  return VERDICT_WORDS[verdict];
}

/** The objective's id, marked when it does not gate: `throughput (informational)`. */
export function formatObjectiveLabel(objective: ComparisonObjectiveBlock): string {
  return objective.mandatory ? objective.id : `${objective.id} (informational)`;
}

/** A run's own figure for the objective: `12.3 ms`, `0.4 %`, `80 req/s`. */
export function formatFigure(objective: ComparisonObjectiveBlock, value: number | null): string {
  if (value === null) return MISSING;
  if (objective.margin.kind === "difference") return formatValue(value, "ratio");
  return objective.subject === "throughput" ? formatValue(value, "req/s") : formatValue(value, "ms");
}

function formatChangeValue(value: number, scale: "ratio" | "difference"): string {
  const figure = scale === "ratio" ? (value - 1) * 100 : value * 100;
  const magnitude = Math.abs(figure);
  const digits = magnitude >= 10 ? 0 : magnitude >= 1 ? 1 : 2;
  const sign = figure > 0 ? "+" : figure < 0 ? "−" : "±";
  return `${sign}${magnitude.toFixed(digits)} ${scale === "ratio" ? "%" : "pp"}`;
}

/** The estimated change: `+12 %` (ratio) or `+0.15 pp` (difference); n/a without an estimate. */
export function formatChange(objective: ComparisonObjectiveBlock): string {
  const { effect, scale } = objective;
  return effect === null || scale === null ? MISSING : formatChangeValue(effect, scale);
}

/** The interval of the change: `[+5.1 %, +20 %]`; n/a without one. */
export function formatInterval(objective: ComparisonObjectiveBlock): string {
  const { interval, scale } = objective;
  if (interval === null || scale === null) return MISSING;
  return `[${formatChangeValue(interval[0], scale)}, ${formatChangeValue(interval[1], scale)}]`;
}

/**
 * `95 % interval`: the intervals' confidence level (the default 95 % when
 * none was estimated); just `interval` should they differ.
 */
export function formatIntervalHeading(objectives: readonly ComparisonObjectiveBlock[]): string {
  const levels = new Set(objectives.flatMap((o) => (o.confidence === null ? [] : [o.confidence])));
  if (levels.size > 1) return "interval";
  const [level = 0.95] = levels;
  return `${formatNumber(level * 100)} % interval`;
}

/** The margin: `10 %` or `0.1 pp`, how far the change may go on the worse side. */
export function formatMarginShort(objective: ComparisonObjectiveBlock): string {
  const { margin } = objective;
  if (margin.kind === "difference") return `${formatNumber(margin.difference * 100)} pp`;
  return `${formatNumber(Math.abs(margin.ratio - 1) * 100)} %`;
}

/** One line on where a side's evidence came from: file, scenario, window, size, load, commit. */
export function describeRun(run: ComparedRunBlock): string {
  const { metadata } = run;
  const parts = [run.source];
  if (metadata.scenario) parts.push(`scenario ${metadata.scenario}`);
  if (metadata.window) {
    parts.push(`${metadata.window.kind} window ${formatNumber(metadata.window.seconds)} s`);
  } else {
    parts.push("no window");
  }
  parts.push(`${metadata.sliceCount} slices`, `${metadata.requests} requests`);
  if (metadata.load.offeredRatePerSecond !== null)
    parts.push(`offered ${formatNumber(metadata.load.offeredRatePerSecond)} /s`);
  if (metadata.ci?.commit) parts.push(`commit ${metadata.ci.commit.slice(0, 12)}`);
  if (metadata.ci?.branch) parts.push(`branch ${metadata.ci.branch}`);
  return parts.join(" · ");
}

/** When the baseline ran: `2025-03-01T12:00:00.000Z`, or null when its evidence has no window. */
export function describeRunTime(run: ComparedRunBlock): string | null {
  return run.metadata.window?.from ?? null;
}

/**
 * One block per objective as the terminal shows it: verdict, figures,
 * change, interval and margin on one line, the reason indented below; then
 * the objectives not compared and the notes. `clean` makes user-derived text
 * safe for the terminal.
 */
export function formatComparisonLines(
  comparison: Pick<VerdictComparison, "objectives" | "skipped" | "notes">,
  clean: (text: string) => string = (text) => text,
): string[] {
  const lines: string[] = [];
  const heading = formatIntervalHeading(comparison.objectives);
  for (const objective of comparison.objectives) {
    lines.push(
      `${formatComparisonVerdict(objective.verdict).padEnd(12)} ${clean(formatObjectiveLabel(objective))}: ` +
        `${formatFigure(objective, objective.baseline)} → ${formatFigure(objective, objective.candidate)}, ` +
        `change ${formatChange(objective)}, ${heading} ${formatInterval(objective)}, margin ${formatMarginShort(objective)}`,
      `             ${clean(objective.reason)}`,
    );
  }
  for (const skipped of comparison.skipped) {
    lines.push(`${"NOT COMPARED".padEnd(12)} ${clean(skipped.id)}: ${clean(skipped.reason)}`);
  }
  for (const note of comparison.notes) lines.push(`note: ${clean(note)}`);
  return lines;
}
