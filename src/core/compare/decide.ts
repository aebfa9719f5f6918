import type { ComparisonVerdict, Effect, EffectResult, EvidenceSize, Margin } from "./types.js";

/** A verdict with its reason in words. */
export interface Decision {
  verdict: ComparisonVerdict;
  reason: string;
}

/** Beyond this many times the evidence, say "too close to the margin" instead of a figure. */
const MAX_FACTOR = 100;

/**
 * Puts an effect on a "badness" scale where 0 is no change, positive is
 * worse and the margin is ±m: log ratios for ratios (so +10 % and its mirror
 * −9.1 % are equally far), plain differences for differences.
 */
function toBadness(margin: Margin): { transform: (x: number) => number; m: number } {
  const sign = margin.worse === "higher" ? 1 : -1;
  if (margin.kind === "ratio") {
    return { transform: (x) => sign * Math.log(x), m: Math.abs(Math.log(margin.ratio)) };
  }
  return { transform: (x) => sign * x, m: Math.abs(margin.difference) };
}

function formatChange(value: number, scale: Effect["scale"]): string {
  // Rounded first so that 0.9 − 1 reads −10 %, not −10.0 % from −9.999…
  const figure = Math.round((scale === "ratio" ? value - 1 : value) * 1e8) / 1e6;
  const digits = Math.abs(figure) >= 10 ? 0 : Math.abs(figure) >= 1 ? 1 : 2;
  const text = `${figure >= 0 ? "+" : "−"}${Math.abs(figure).toFixed(digits)}`;
  return scale === "ratio" ? `${text} %` : `${text} pp`;
}

/** The margin in words, e.g. "+10 % (better: −9.1 %)" or "+0.10 pp (better: −0.10 pp)". */
export function formatMargin(margin: Margin): string {
  if (margin.kind === "ratio") {
    return `${formatChange(margin.ratio, "ratio")} (better: ${formatChange(1 / margin.ratio, "ratio")})`;
  }
  const worse = margin.worse === "higher" ? margin.difference : -margin.difference;
  return `${formatChange(worse, "difference")} (better: ${formatChange(-worse, "difference")})`;
}

function describeEvidence(evidence: EvidenceSize, factor: number): string {
  const need = (n: number): string => Math.ceil(n * factor).toLocaleString("en-US");
  const have = (n: number): string => Math.round(n).toLocaleString("en-US");
  const runs =
    Math.round(evidence.baseline) === Math.round(evidence.candidate)
      ? `≈ ${need(evidence.baseline)} per run instead of ${have(evidence.baseline)}`
      : `≈ ${need(evidence.baseline)} baseline and ${need(evidence.candidate)} candidate instead of ${have(evidence.baseline)} and ${have(evidence.candidate)}`;
  return evidence.unit === "slices"
    ? `about ${factor.toFixed(1)}× as many time slices (${runs}): runs that much longer, since under drift time, not request rate, is the evidence`
    : `about ${factor.toFixed(1)}× as many independent requests (${runs})`;
}

/**
 * Reads an effect's interval against a margin: `regressed` when the whole
 * interval is worse than the margin, `improved` when the whole interval is
 * better than its mirror, `unchanged` when the whole interval lies within
 * ±margin, otherwise `inconclusive`, saying how much more evidence would
 * decide (interval width scales as 1 / √n, n the slices or requests behind
 * it). An effect that cannot be estimated is `inconclusive`, never `unchanged`.
 */
export function decideEffect(subject: string, effect: EffectResult, margin: Margin): Decision {
  if (effect.kind === "no-effect") return { verdict: "inconclusive", reason: effect.reason };
  const { transform, m } = toBadness(margin);
  const ends = effect.interval.map(transform);
  const a = Math.min(...ends);
  const b = Math.max(...ends);
  const c = Math.min(b, Math.max(a, transform(effect.estimate)));
  const percent = Math.round(effect.confidence * 100);
  const shown = `${formatChange(effect.estimate, effect.scale)}, ${percent} % interval [${formatChange(effect.interval[0], effect.scale)}, ${formatChange(effect.interval[1], effect.scale)}]`;
  const marginText = formatMargin(margin);
  if (a > m) {
    return {
      verdict: "regressed",
      reason: `${subject} ${shown}: the whole interval is worse than the margin ${marginText}`,
    };
  }
  if (b < -m) {
    return {
      verdict: "improved",
      reason: `${subject} ${shown}: the whole interval is better than the margin ${marginText}`,
    };
  }
  if (a >= -m && b <= m) {
    return {
      verdict: "unchanged",
      reason: `${subject} ${shown}: the whole interval lies within the margin ${marginText}`,
    };
  }
  // Which claim is nearest, and how far the interval must shrink to make it.
  let factor: number;
  let claim: string;
  if (c > m) {
    factor = ((c - a) / (c - m)) ** 2;
    claim = "a regression";
  } else if (c < -m) {
    factor = ((b - c) / (-m - c)) ** 2;
    claim = "an improvement";
  } else {
    factor = Math.max(((c - a) / (c + m)) ** 2, ((b - c) / (m - c)) ** 2);
    claim = "no change beyond the margin";
  }
  const need =
    Number.isFinite(factor) && factor <= MAX_FACTOR
      ? `to show ${claim} would take ${describeEvidence(effect.evidence, factor)}`
      : `the estimate sits too close to the margin for any practical run to decide`;
  return {
    verdict: "inconclusive",
    reason: `${subject} ${shown} reaches across the margin ${marginText}; ${need}`,
  };
}
