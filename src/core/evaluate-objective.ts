import { formatCount, formatValue } from "./format-value.js";
import type { LoadStatus, Measurement } from "./measurement.js";
import { formatStat, type EvaluationSettings, type ObjectiveSpec } from "./profile.js";
import { findRequiredRequests, findRequiredSamples } from "./sample-rules.js";
import { BOUNDED_TIERS, findTier, rankTier } from "./tiers.js";
import type { ObjectiveResult, RequiredTier, Tier } from "./types.js";

export interface JudgeContext {
  requiredTier: RequiredTier;
  settings: EvaluationSettings;
  load: LoadStatus;
}

function statLabel(spec: ObjectiveSpec): string {
  if (spec.measure.kind !== "k6") return spec.id;
  return spec.measure.stat.kind === "perSecond" ? "achieved" : formatStat(spec.measure.stat);
}

function describeBound(spec: ObjectiveSpec, tier: RequiredTier): string {
  const operator = spec.bounds.direction === "max" ? "<" : "≥";
  return `${operator} ${formatValue(spec.bounds[tier], spec.unit)} (${tier})`;
}

/** One objective's result: the spec's identity and bounds with what was measured and judged. */
export function buildObjectiveResult(
  spec: ObjectiveSpec,
  value: number | null,
  samples: number,
  tier: Tier | null,
  verdict: ObjectiveResult["verdict"],
  reason: string,
): ObjectiveResult {
  return {
    id: spec.id,
    source: spec.source,
    value,
    unit: spec.unit,
    samples,
    tier,
    verdict,
    reason,
    mandatory: spec.mandatory,
    bounds: { ...spec.bounds },
  };
}

/** A result that claims no tier: the evidence cannot show the objective either way. */
function inconclusiveResult(
  spec: ObjectiveSpec,
  value: number | null,
  samples: number,
  reason: string,
): ObjectiveResult {
  return buildObjectiveResult(spec, value, samples, null, "inconclusive", reason);
}

/** The best tier a rate can claim with `samples` requests (see findRequiredRequests). */
function capRateTier(
  spec: ObjectiveSpec,
  tier: Tier,
  samples: number,
  minRateEvents: number,
): Tier {
  if (tier === "none") return tier;
  for (const candidate of BOUNDED_TIERS) {
    if (rankTier(candidate) > rankTier(tier)) continue;
    if (samples >= findRequiredRequests(spec.bounds[candidate], minRateEvents)) return candidate;
  }
  return "none";
}

function isRateObjective(spec: ObjectiveSpec): boolean {
  return (
    spec.measure.kind === "k6" &&
    spec.measure.stat.kind === "rate" &&
    spec.bounds.direction === "max"
  );
}

function isThroughputObjective(spec: ObjectiveSpec): boolean {
  return (
    spec.measure.kind === "k6" &&
    spec.measure.stat.kind === "perSecond" &&
    spec.bounds.direction === "min"
  );
}

/**
 * Why a throughput objective cannot be judged from this run: when the load was
 * not delivered as offered (iterations dropped, achieved rate below the
 * offered share), a low achieved rate measures the load generator, not the
 * service, so a breach is no evidence. Null for other objectives, which do not
 * improve with more load.
 */
function findUndeliveredThroughput(spec: ObjectiveSpec, load: LoadStatus): string | null {
  if (!isThroughputObjective(spec)) return null;
  const doubts = load.deliveryDoubts ?? [];
  return doubts.length > 0 ? doubts.join("; ") : null;
}

/**
 * The request rate the test offered to this objective's requests: offered
 * iterations/s × this scope's requests per iteration. Null when unknown
 * (no slogate_offered_rate, or no iterations counted).
 */
function findOfferedRequestRate(load: LoadStatus, samples: number): number | null {
  const iterations = load.iterations ?? null;
  if (load.offeredRatePerSecond === null || iterations === null || iterations <= 0) return null;
  return (load.offeredRatePerSecond * samples) / iterations;
}

/** Pass, fail or inconclusive for a value known only to lie in [low, high]. */
function judgeBounds(
  spec: ObjectiveSpec,
  measurement: Extract<Measurement, { kind: "bounds" }>,
  context: JudgeContext,
): ObjectiveResult {
  const { requiredTier, load } = context;
  const { low, high, samples } = measurement;
  const worst = spec.bounds.direction === "max" ? high : low;
  const best = spec.bounds.direction === "max" ? low : high;
  const label = statLabel(spec);
  const basis = measurement.basis ?? `the routes' own ${label}`;
  const range = `${measurement.basis ? "" : "pooled "}${label} lies between ${formatValue(low, spec.unit)} and ${formatValue(high, spec.unit)} (${basis})`;
  const hint = measurement.hint ?? "pass NDJSON (--out json) for the pooled value";
  const required = rankTier(requiredTier);
  const worstTier = findTier(worst, spec.bounds);
  const bestTier = findTier(best, spec.bounds);
  const undelivered = findUndeliveredThroughput(spec, load);
  if (rankTier(bestTier) < required && undelivered !== null) {
    return inconclusiveResult(
      spec,
      best,
      samples,
      `${range}, not ${describeBound(spec, requiredTier)}, but the load was not delivered: ${undelivered}`,
    );
  }
  if (rankTier(bestTier) < required) {
    const doubts = load.doubts.length > 0 ? ` (also: ${load.doubts.join("; ")})` : "";
    return buildObjectiveResult(
      spec,
      best,
      samples,
      bestTier,
      "fail",
      `${range}: not ${describeBound(spec, requiredTier)} even at best${doubts}`,
    );
  }
  if (rankTier(worstTier) < required) {
    return inconclusiveResult(
      spec,
      worst,
      samples,
      `${range}, either side of ${describeBound(spec, requiredTier)}; ${hint}`,
    );
  }
  if (load.doubts.length > 0) {
    return inconclusiveResult(
      spec,
      worst,
      samples,
      `${range} would reach ${worstTier}, but ${load.doubts.join("; ")}`,
    );
  }
  return buildObjectiveResult(
    spec,
    worst,
    samples,
    worstTier,
    "pass",
    `${range}: ${describeBound(spec, worstTier === "none" ? requiredTier : worstTier)} even at worst`,
  );
}

/**
 * Judges one measured objective. Principles: no data never passes; too few
 * samples for the statistic is inconclusive; a pass under run-level doubts
 * (short window, dropped iterations, load below the offered rate) is
 * inconclusive, while a breach stays a fail, because latency and errors do
 * not improve with more load. Throughput below its bound is inconclusive
 * when the test never offered that much, or when the offered load was not
 * delivered: it cannot show what it did not ask.
 */
export function judgeObjective(
  spec: ObjectiveSpec,
  measurement: Measurement,
  context: JudgeContext,
): ObjectiveResult {
  const { requiredTier, settings, load } = context;
  if (measurement.kind === "missing") {
    return buildObjectiveResult(
      spec,
      measurement.value ?? null,
      measurement.samples ?? 0,
      null,
      measurement.outcome,
      measurement.reason,
    );
  }
  if (measurement.kind === "bounds") return judgeBounds(spec, measurement, context);
  const { value, samples } = measurement;
  const label = `${statLabel(spec)} = ${formatValue(value, spec.unit)}`;
  const counted = `${formatCount(samples)} samples`;
  if (spec.measure.kind === "k6") {
    const needed = findRequiredSamples(spec.measure.stat, settings.minTailSamples);
    if (samples < needed) {
      return inconclusiveResult(
        spec,
        value,
        samples,
        `${label} from only ${counted}; ${statLabel(spec)} needs ≥ ${formatCount(needed)} (${settings.minTailSamples} beyond the percentile)`,
      );
    }
  }
  const measuredTier = findTier(value, spec.bounds);
  let tier = measuredTier;
  const required = rankTier(requiredTier);
  if (isRateObjective(spec)) {
    tier = capRateTier(spec, measuredTier, samples, settings.minRateEvents);
    if (rankTier(tier) < required && rankTier(measuredTier) >= required) {
      const needed = findRequiredRequests(spec.bounds[requiredTier], settings.minRateEvents);
      return inconclusiveResult(
        spec,
        value,
        samples,
        `${label} over ${formatCount(samples)} requests, too few to show ${describeBound(spec, requiredTier)}: that needs ≥ ${formatCount(needed)} (rule of ${settings.minRateEvents})`,
      );
    }
  }
  const reaches = rankTier(tier) >= required;
  const offeredRequests = isThroughputObjective(spec)
    ? findOfferedRequestRate(load, samples)
    : null;
  if (!reaches && offeredRequests !== null && offeredRequests < spec.bounds[requiredTier]) {
    return inconclusiveResult(
      spec,
      value,
      samples,
      `${label}: the test offered only about ${formatValue(offeredRequests, spec.unit)} of these requests (${load.offeredRatePerSecond} iterations/s), so it cannot show ${describeBound(spec, requiredTier)}; offer more load`,
    );
  }
  const undelivered = findUndeliveredThroughput(spec, load);
  if (!reaches && undelivered !== null) {
    return inconclusiveResult(
      spec,
      value,
      samples,
      `${label}, not ${describeBound(spec, requiredTier)}, but the load was not delivered, so this measures k6, not the service: ${undelivered}`,
    );
  }
  if (!reaches) {
    const doubts = load.doubts.length > 0 ? ` (also: ${load.doubts.join("; ")})` : "";
    return buildObjectiveResult(
      spec,
      value,
      samples,
      tier,
      "fail",
      `${label}, not ${describeBound(spec, requiredTier)}; tier ${tier} from ${counted}${doubts}`,
    );
  }
  if (load.doubts.length > 0) {
    return inconclusiveResult(
      spec,
      value,
      samples,
      `${label} would reach ${tier}, but ${load.doubts.join("; ")}`,
    );
  }
  const best = tier === "none" ? requiredTier : tier;
  const capped =
    tier !== measuredTier && measuredTier !== "none"
      ? `; ${measuredTier} needs ≥ ${formatCount(findRequiredRequests(spec.bounds[measuredTier], settings.minRateEvents))} requests`
      : "";
  return buildObjectiveResult(
    spec,
    value,
    samples,
    tier,
    "pass",
    `${label}, ${describeBound(spec, best)}; from ${counted}${capped}`,
  );
}
