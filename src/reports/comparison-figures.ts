import type { ComparedObjective, ComparedRun } from "../core/compare-runs.js";
import type { Effect, EffectResult } from "../core/compare/index.js";
import { formatNumber, formatValue, MISSING } from "./format.js";

/** Figures of a compared objective in words, shared by the text and Markdown comparisons. */

const VERDICT_WORDS: Record<ComparedObjective["verdict"], string> = {
  regressed: "REGRESSED",
  unchanged: "UNCHANGED",
  improved: "IMPROVED",
  inconclusive: "INCONCLUSIVE",
};

/** `REGRESSED`, `UNCHANGED`, `IMPROVED`, `INCONCLUSIVE`. */
export function formatComparisonVerdict(verdict: ComparedObjective["verdict"]): string {
  return VERDICT_WORDS[verdict];
}

/** A run's own figure for the objective: `12.3 ms`, `0.4 %`, `80 req/s`. */
export function formatFigure(objective: ComparedObjective, value: number | null): string {
  if (value === null) return MISSING;
  if (objective.margin.kind === "difference") return formatValue(value, "ratio");
  return objective.subject === "throughput" ? formatValue(value, "req/s") : formatValue(value, "ms");
}

function formatChangeValue(value: number, scale: Effect["scale"]): string {
  const figure = scale === "ratio" ? (value - 1) * 100 : value * 100;
  const magnitude = Math.abs(figure);
  const digits = magnitude >= 10 ? 0 : magnitude >= 1 ? 1 : 2;
  const sign = figure > 0 ? "+" : figure < 0 ? "−" : "±";
  return `${sign}${magnitude.toFixed(digits)} ${scale === "ratio" ? "%" : "pp"}`;
}

/** The estimated change: `+12 %` (ratio) or `+0.15 pp` (difference); n/a without an estimate. */
export function formatChange(effect: EffectResult): string {
  return effect.kind === "effect" ? formatChangeValue(effect.estimate, effect.scale) : MISSING;
}

/** The interval of the change: `[+5.1 %, +20 %]`; n/a without one. */
export function formatInterval(effect: EffectResult): string {
  if (effect.kind !== "effect") return MISSING;
  const [low, high] = effect.interval;
  return `[${formatChangeValue(low, effect.scale)}, ${formatChangeValue(high, effect.scale)}]`;
}

/** The margin: `±10 %` style, as the worse side. */
export function formatMarginShort(objective: ComparedObjective): string {
  const { margin } = objective;
  if (margin.kind === "difference") return `${formatNumber(margin.difference * 100)} pp`;
  return `${formatNumber(Math.abs(margin.ratio - 1) * 100)} %`;
}

/** One line on where a side's evidence came from: file, scenario, window, commit. */
export function describeRun(run: ComparedRun): string {
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
