import {
  decideEffect,
  deriveSeed,
  DEFAULT_MARGINS,
  estimateErrorRateEffect,
  estimateLatencyEffect,
  estimateThroughputEffect,
  prepareRun,
  type ComparisonVerdict,
  type EffectResult,
  type Margin,
  type OfferedLoad,
  type SlicedRun,
  type TimeSlice,
} from "./compare/index.js";
import {
  decodeGroupDurations,
  type EvidenceFileV1,
  type EvidenceGroupV1,
} from "./evidence-file.js";
import type {
  ComparedRunBlock,
  ComparedRunMetadata,
  ComparisonObjectiveBlock,
  VerdictComparison,
} from "./comparison-block.js";
import { createHistogram, type Histogram } from "./histogram.js";
import { formatStat, type ObjectiveSpec, type SloProfile } from "./profile.js";
import type { ObjectiveSource } from "./types.js";

/** Practical-significance margins: latency ratio (> 1), error-rate difference, throughput ratio (< 1). */
export interface ComparisonMargins {
  latencyRatio: number;
  errorRateDifference: number;
  throughputRatio: number;
}

export const DEFAULT_COMPARISON_MARGINS: ComparisonMargins = { ...DEFAULT_MARGINS };

export interface CompareRunsOptions {
  baseline: EvidenceFileV1;
  candidate: EvidenceFileV1;
  /** Decides which objectives are compared, what each measures, and (`regression:`) their margins. */
  profile: SloProfile;
  /** Margins set by flag: each overrides the profile's margins of its kind, per objective too. */
  margins?: Partial<ComparisonMargins>;
  /** Seed of the resampling; the same runs and seed give the same intervals. 1 by default. */
  seed?: number;
}

/** One compared objective of the profile. */
export interface ComparedObjective {
  id: string;
  source: ObjectiveSource;
  mandatory: boolean;
  /** What is compared, e.g. "p(95) of http_req_duration". */
  subject: string;
  effect: EffectResult;
  margin: Margin;
  verdict: ComparisonVerdict;
  reason: string;
}

export interface RunComparison {
  /** Worst of the mandatory objectives: regressed, then inconclusive, then improved (any), else unchanged. */
  verdict: ComparisonVerdict;
  objectives: ComparedObjective[];
  /** Objectives the evidence cannot compare at all (Prometheus, custom metrics), with why. */
  skipped: { id: string; reason: string }[];
  /** Differences between the runs worth knowing that do not stop a comparison. */
  notes: string[];
}

/** A decoded group: its slices with histograms. */
export interface DecodedGroup {
  group: EvidenceGroupV1;
  histograms: (Histogram | null)[];
}

/** Every group of an evidence file with its slice histograms decoded. */
export function decodeGroups(file: EvidenceFileV1): DecodedGroup[] {
  return file.groups.map((group) => ({
    group,
    // Decoded on first use, once: only the groups an objective covers are.
    get histograms() {
      return decodeGroupDurations(group);
    },
  }));
}

/**
 * The run of the groups an objective covers, merged slice by slice:
 * histograms add exactly, counts add. `expectedOnly` keeps the durations of
 * responses k6 counted as expected, as the tiers measure latency.
 */
export function selectRun(
  file: EvidenceFileV1,
  groups: DecodedGroup[],
  spec: Pick<ObjectiveSpec, "measure">,
  expectedOnly: boolean,
  /** False: counts only (error rate, throughput); the slices' histograms stay empty. */
  withDurations = true,
): SlicedRun {
  const scope = spec.measure.kind === "k6" ? spec.measure.scope : null;
  const chosen = groups.filter(({ group }) => {
    if (scope?.names && !scope.names.includes(group.name)) return false;
    if (scope?.methods && !scope.methods.includes(group.method)) return false;
    return true;
  });
  // Counts-only selections share one empty histogram: nothing reads it.
  const empty = withDurations ? null : createHistogram();
  const slices: TimeSlice[] = file.slices.map((slice, i) => {
    const histogram = empty ?? createHistogram();
    let requests = 0;
    let failures = 0;
    for (const decoded of chosen) {
      const { group } = decoded;
      requests += group.requests[i] ?? 0;
      failures += group.failures[i] ?? 0;
      if (!withDurations || (expectedOnly && group.expected === false)) continue;
      const durations = decoded.histograms[i];
      if (durations) histogram.add(durations);
    }
    return { startMs: slice.startMs, durationMs: slice.durationMs, histogram, requests, failures };
  });
  return { slices };
}

export type ComparedKind = "latency" | "error_rate" | "throughput";
type Kind = ComparedKind;

function classifyObjective(spec: ObjectiveSpec): { kind: Kind; percent?: number } | string {
  if (spec.measure.kind !== "k6")
    return "read from Prometheus; the evidence holds k6 requests only";
  const { metric, stat } = spec.measure;
  if (metric === "http_req_duration" && stat.kind === "percentile")
    return { kind: "latency", percent: stat.percent };
  if (metric === "http_req_failed" && stat.kind === "rate") return { kind: "error_rate" };
  if (metric === "http_reqs" && stat.kind === "perSecond") return { kind: "throughput" };
  return `${formatStat(stat)} of ${metric} is not compared: only http_req_duration percentiles, http_req_failed rate and http_reqs per second have an interval`;
}

/** Why no objective of these runs can be compared, or null. */
function findRunMismatch(baseline: EvidenceFileV1, candidate: EvidenceFileV1): string | null {
  if (baseline.scenario && candidate.scenario && baseline.scenario !== candidate.scenario) {
    return `the baseline ran scenario "${baseline.scenario}", the candidate "${candidate.scenario}": a different mix of requests`;
  }
  if (baseline.window && candidate.window && baseline.window.kind !== candidate.window.kind) {
    return `the baseline judged the ${baseline.window.kind} window, the candidate the ${candidate.window.kind} window`;
  }
  return null;
}

/** Why this objective's definitions differ between the runs' profiles, or null. */
function findObjectiveMismatch(
  id: string,
  baseline: EvidenceFileV1,
  candidate: EvidenceFileV1,
): string | null {
  const base = baseline.profile.objectives.find((o) => o.id === id);
  const cand = candidate.profile.objectives.find((o) => o.id === id);
  if (!base || !cand) {
    const which = !base ? "baseline" : "candidate";
    return `the ${which}'s profile has no ${id} objective, so it was not judged there`;
  }
  if (base.hash !== cand.hash) {
    return `${id} measures something else in the baseline's profile than in the candidate's (its metric, stat, requests or responses changed)`;
  }
  return null;
}

/** Offered rates within 1 % are the same load (a rounded rate, a scaled duration). */
function compareOffered(baseline: EvidenceFileV1, candidate: EvidenceFileV1): OfferedLoad {
  const base = baseline.load.offeredRatePerSecond;
  const cand = candidate.load.offeredRatePerSecond;
  if (base === null || cand === null) return { kind: "unknown" };
  if (Math.abs(base - cand) <= 0.01 * Math.max(base, cand)) return { kind: "matched" };
  return {
    kind: "differs",
    reason: `the baseline was offered ${base} /s, the candidate ${cand} /s`,
  };
}

/**
 * The margin of one objective: a flag for its kind wins; then the profile's
 * `regression.objectives[id]`, then its `regression.<kind>`, then the default.
 */
export function resolveMargin(
  kind: Kind,
  id: string,
  profile: SloProfile,
  flags: Partial<ComparisonMargins> = {},
): Margin {
  const own = profile.regression?.objectives[id];
  if (kind === "latency") {
    const fraction = own ?? profile.regression?.latency;
    const ratio =
      flags.latencyRatio ??
      (fraction === undefined ? DEFAULT_COMPARISON_MARGINS.latencyRatio : 1 + fraction);
    return { kind: "ratio", worse: "higher", ratio };
  }
  if (kind === "error_rate") {
    const difference =
      flags.errorRateDifference ??
      own ??
      profile.regression?.errorRate ??
      DEFAULT_COMPARISON_MARGINS.errorRateDifference;
    return { kind: "difference", worse: "higher", difference };
  }
  const fraction = own ?? profile.regression?.throughput;
  const ratio =
    flags.throughputRatio ??
    (fraction === undefined ? DEFAULT_COMPARISON_MARGINS.throughputRatio : 1 - fraction);
  return { kind: "ratio", worse: "lower", ratio };
}

function combineVerdict(objectives: readonly ComparedObjective[]): ComparisonVerdict {
  const mandatory = objectives.filter((o) => o.mandatory);
  // Nothing that decides the run was compared: no claim of "unchanged".
  if (mandatory.length === 0) return "inconclusive";
  if (mandatory.some((o) => o.verdict === "regressed")) return "regressed";
  if (mandatory.some((o) => o.verdict === "inconclusive")) return "inconclusive";
  if (mandatory.some((o) => o.verdict === "improved")) return "improved";
  return "unchanged";
}

/**
 * Compares a candidate run with its baseline, objective by objective of the
 * profile: latency percentiles as a ratio, the error rate as a difference,
 * throughput as a ratio when the offered load matched (see
 * docs/regression-statistics.md). Runs of different scenarios or windows, and
 * objectives defined differently in the two runs' profiles, are
 * `inconclusive` with the reason. Pure and seeded.
 */
export function compareRuns(options: CompareRunsOptions): RunComparison {
  const { baseline, candidate, profile } = options;
  const seed = options.seed ?? 1;
  const baseGroups = decodeGroups(baseline);
  const candGroups = decodeGroups(candidate);
  const runMismatch = findRunMismatch(baseline, candidate);
  const offered = compareOffered(baseline, candidate);
  const notes: string[] = [];
  if (offered.kind === "differs")
    notes.push(`${offered.reason}; latency and errors are compared anyway`);
  const skipped: RunComparison["skipped"] = [];
  const objectives: ComparedObjective[] = [];
  for (const spec of profile.objectives) {
    const kind = classifyObjective(spec);
    if (typeof kind === "string") {
      skipped.push({ id: spec.id, reason: kind });
      continue;
    }
    const metric = spec.measure.kind === "k6" ? spec.measure.metric : "";
    const subject =
      kind.kind === "latency"
        ? `p(${kind.percent}) of ${metric}`
        : kind.kind === "error_rate"
          ? "error rate"
          : "throughput";
    const margin = resolveMargin(kind.kind, spec.id, profile, options.margins);
    const expectedOnly =
      kind.kind === "latency" &&
      spec.measure.kind === "k6" &&
      spec.measure.responses === "expected";
    const withDurations = kind.kind === "latency";
    const base = selectRun(baseline, baseGroups, spec, expectedOnly, withDurations);
    const cand = selectRun(candidate, candGroups, spec, expectedOnly, withDurations);
    const objectiveSeed = deriveSeed(seed, spec.id);
    let effect: EffectResult;
    if (kind.kind === "latency") {
      effect = estimateLatencyEffect(prepareRun(base), prepareRun(cand), {
        seed: objectiveSeed,
        percent: kind.percent ?? 95,
        minTailSamples: profile.evaluation.minTailSamples,
      });
    } else if (kind.kind === "error_rate") {
      effect = estimateErrorRateEffect(base, cand, { clustering: true });
    } else {
      effect = estimateThroughputEffect(base, cand, offered, { seed: objectiveSeed });
    }
    const mismatch = runMismatch ?? findObjectiveMismatch(spec.id, baseline, candidate);
    const decision =
      mismatch === null
        ? decideEffect(subject, effect, margin)
        : { verdict: "inconclusive" as const, reason: `not comparable: ${mismatch}` };
    objectives.push({
      id: spec.id,
      source: spec.source,
      mandatory: spec.mandatory,
      subject,
      effect,
      margin,
      ...decision,
    });
  }
  if (!objectives.some((o) => o.mandatory)) {
    notes.push(
      "no mandatory objective could be compared (only latency percentiles, the error rate and throughput of k6 requests can), so the comparison decides nothing",
    );
  }
  return { verdict: combineVerdict(objectives), objectives, skipped, notes };
}

/** One side of a comparison: where its evidence came from and what it says about the run. */
export type ComparedRun = ComparedRunBlock;

/** Everything a comparison report shows. */
export interface ComparisonReport {
  /** The profile whose objectives were compared. */
  profile: { name: string; file: string };
  baseline: ComparedRun;
  candidate: ComparedRun;
  comparison: RunComparison;
}

/** The metadata of an evidence file, without its slices. */
export function describeEvidence(evidence: EvidenceFileV1): ComparedRunMetadata {
  const { groups, slices } = evidence;
  return {
    version: evidence.version,
    createdAt: evidence.createdAt,
    window: evidence.window,
    sliceMs: evidence.sliceMs,
    profile: evidence.profile,
    scenario: evidence.scenario,
    k6Version: evidence.k6Version,
    load: evidence.load,
    ci: evidence.ci,
    sliceCount: slices.length,
    requests: groups.reduce((sum, g) => sum + g.requests.reduce((a, b) => a + b, 0), 0),
  };
}

/** A compared objective with flat figures, as reports and verdict.json show it. */
export function toObjectiveBlock(objective: ComparedObjective): ComparisonObjectiveBlock {
  const { effect } = objective;
  const estimated = effect.kind === "effect";
  return {
    id: objective.id,
    source: objective.source,
    mandatory: objective.mandatory,
    subject: objective.subject,
    baseline: effect.baseline,
    candidate: effect.candidate,
    effect: estimated ? effect.estimate : null,
    scale: estimated ? effect.scale : null,
    interval: estimated ? effect.interval : null,
    confidence: estimated ? effect.confidence : null,
    margin: objective.margin,
    verdict: objective.verdict,
    reason: objective.reason,
    method: estimated ? effect.method : null,
  };
}

/** The verdict's `comparison` block from a comparison against `baseline`. */
export function toVerdictComparison(
  baseline: ComparedRun,
  comparison: RunComparison,
  advisory: boolean,
): VerdictComparison {
  return {
    verdict: comparison.verdict,
    advisory,
    baseline,
    objectives: comparison.objectives.map(toObjectiveBlock),
    skipped: comparison.skipped,
    notes: comparison.notes,
  };
}
