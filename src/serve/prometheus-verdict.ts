import { buildObjectiveResult, judgeObjective } from "../core/evaluate-objective.js";
import type { LoadStatus, Measurement } from "../core/measurement.js";
import type { ObjectiveSpec, SloProfile } from "../core/profile.js";
import type { Finding, ObjectiveResult, RequiredTier, Verdict } from "../core/types.js";
import { buildVerdict } from "../core/verdict.js";
import { planServerSlis, type PlannedObjective } from "../core/server-slis.js";
import { buildScopedSelector } from "../promql/scope.js";
import { buildUpSamplesQuery } from "../promql/scrape-queries.js";
import { formatWholeSecondsRange } from "../promql/selectors.js";
import { queryInstant, type PrometheusConnection } from "../sources/prometheus/client.js";
import { readSingleNumber, type PrometheusEvidence } from "../sources/prometheus/evidence.js";
import { readPrometheusSlis, type PrometheusCoverage } from "../sources/prometheus/slis.js";
import type { PrometheusObjectiveId, PrometheusSliSettings } from "../promql/settings.js";

export interface ServerVerdictOptions {
  profile: SloProfile;
  connection: PrometheusConnection;
  /** Base settings; `selector` holds the matchers every series must carry (the canary's). */
  settings: PrometheusSliSettings;
  methodLabel: string;
  fromMs: number;
  toMs: number;
  requiredTier?: RequiredTier;
  cpuCores?: number;
  memoryLimitBytes?: number;
}

/** `endpoint=~"a|b"` style matchers for an http objective's scope. */
function scopeSelector(
  base: string,
  planned: PlannedObjective,
  options: ServerVerdictOptions,
): string {
  return buildScopedSelector(base, planned.sli, {
    route: options.settings.labels.route,
    method: options.methodLabel,
  });
}

const SOURCE_ID: Record<PlannedObjective["sli"]["kind"], PrometheusObjectiveId | null> = {
  latency: "latency_p95",
  error_ratio: "error_rate",
  throughput: "throughput",
  db_latency: "db_latency_p95",
  cpu: "cpu",
  memory: "memory",
  query: null,
};

/** Reads one planned objective through src/sources/prometheus (or its own query). */
async function measure(
  planned: PlannedObjective,
  options: ServerVerdictOptions,
): Promise<PrometheusEvidence> {
  const { sli, spec } = planned;
  const builtIn = SOURCE_ID[sli.kind] ?? (isBuiltInId(spec.id) ? spec.id : null);
  if (builtIn === null) {
    // A profile's own PromQL objective: one number, read with the same refusals.
    const query = sli.kind === "query" ? sli.query : "";
    const outcome = await queryInstant(options.connection, query, options.toMs);
    const reading = readSingleNumber(outcome, spec.id);
    return reading.kind === "ok"
      ? { id: spec.id, value: reading.value, unit: spec.unit, samples: 1, status: "ok", query }
      : {
          id: spec.id,
          value: null,
          unit: spec.unit,
          samples: 0,
          status: reading.kind,
          reason: reading.reason,
          query,
        };
  }
  const settings: PrometheusSliSettings = {
    ...options.settings,
    selector: scopeSelector(options.settings.selector, planned, options),
    ...(sli.kind === "latency" || sli.kind === "db_latency" ? { quantile: sli.quantile } : {}),
    ...(sli.kind === "cpu" ? { cpuCores: sli.cores } : {}),
    ...(sli.kind === "memory" ? { memoryLimitBytes: sli.limitBytes } : {}),
    ...(sli.kind === "query" ? { queries: { [builtIn]: sli.query } } : {}),
  };
  const result = await readPrometheusSlis({
    connection: options.connection,
    fromMs: options.fromMs,
    toMs: options.toMs,
    settings,
    objectives: [builtIn],
    // Checked once for the whole window below: `up` carries no route labels.
    checkScrapeCoverage: false,
  });
  const evidence = result.evidence[0];
  return evidence
    ? { ...evidence, id: spec.id }
    : {
        id: spec.id,
        value: null,
        unit: spec.unit,
        samples: 0,
        status: "error",
        reason: "no evidence returned",
      };
}

/**
 * When the youngest selected target was first scraped, Unix ms, or null when
 * none was (the coverage check then reports the missing data).
 */
async function findLatestFirstScrape(options: ServerVerdictOptions): Promise<number | null> {
  const range = formatWholeSecondsRange((options.toMs - options.fromMs) / 1000);
  const outcome = await queryInstant(
    options.connection,
    buildUpSamplesQuery(options.settings.selector, range),
    options.toMs,
  );
  if (outcome.kind !== "ok" || outcome.series.length === 0) return null;
  let latest = Number.NEGATIVE_INFINITY;
  for (const series of outcome.series) {
    const first = series.points[0]?.[0];
    if (first !== undefined) latest = Math.max(latest, first * 1000);
  }
  return Number.isFinite(latest) ? latest : null;
}

function isBuiltInId(id: string): id is PrometheusObjectiveId {
  return ["latency_p95", "error_rate", "throughput", "db_latency_p95", "cpu", "memory"].includes(
    id,
  );
}

function toMeasurement(evidence: PrometheusEvidence, coverage: PrometheusCoverage): Measurement {
  if (coverage.kind === "error")
    return { kind: "missing", outcome: "error", reason: coverage.reason };
  if (coverage.kind === "gap") {
    return { kind: "missing", outcome: "inconclusive", reason: `scrape gap: ${coverage.reason}` };
  }
  if (evidence.status !== "ok" || evidence.value === null || !Number.isFinite(evidence.value)) {
    return {
      kind: "missing",
      outcome: evidence.status === "error" ? "error" : "inconclusive",
      reason: evidence.reason ?? `Prometheus returned no usable value for ${evidence.id}`,
      samples: evidence.samples,
    };
  }
  return { kind: "value", value: evidence.value, samples: evidence.samples };
}

function skippedResult(spec: ObjectiveSpec, reason: string): ObjectiveResult {
  return buildObjectiveResult(
    spec,
    null,
    0,
    null,
    "inconclusive",
    `not measurable from Prometheus: ${reason}`,
  );
}

/**
 * The verdict for a window of a live service, from Prometheus alone: the
 * same objectives, sample rules and tier logic as the CI verdict
 * (judgeObjective), with values measured server-side through
 * src/sources/prometheus. No data, too few requests, a scrape gap or a
 * failing Prometheus never pass: they are inconclusive or error.
 */
export async function evaluatePrometheusWindow(options: ServerVerdictOptions): Promise<Verdict> {
  const { profile } = options;
  const plan = planServerSlis(profile, {
    ...(options.requiredTier ? { requiredTier: options.requiredTier } : {}),
    ...(options.cpuCores !== undefined ? { cpuCores: options.cpuCores } : {}),
    ...(options.memoryLimitBytes !== undefined
      ? { memoryLimitBytes: options.memoryLimitBytes }
      : {}),
  });
  const windowSeconds = (options.toMs - options.fromMs) / 1000;
  const findings: Finding[] = [];
  const bornMs = await findLatestFirstScrape(options);
  // A canary younger than the window is judged over its life: counters born
  // inside the window count from zero, so the counts stay exact; only the
  // scrape coverage check needs the later start.
  const coveredFromMs = bornMs !== null && bornMs > options.fromMs ? bornMs : options.fromMs;
  if (coveredFromMs > options.fromMs) {
    findings.push({
      severity: "info",
      code: "WINDOW_STARTS_AT_FIRST_SCRAPE",
      message: `the selected series were first scraped ${((coveredFromMs - options.fromMs) / 1000).toFixed(1)} s into the ${windowSeconds} s window; judged from then`,
    });
  }
  const [coverageResult, ...evidence] = await Promise.all([
    readPrometheusSlis({
      connection: options.connection,
      fromMs: coveredFromMs,
      toMs: options.toMs,
      settings: options.settings,
      objectives: [],
    }),
    ...plan.planned.map((planned) => measure(planned, options)),
  ]);
  const coverage = coverageResult.coverage;
  const coveredSeconds = (options.toMs - coveredFromMs) / 1000;
  const doubts =
    coveredSeconds < profile.evaluation.minWindowSeconds
      ? [
          `the window covers ${coveredSeconds.toFixed(1)} s of data, shorter than the profile's ${profile.evaluation.minWindowSeconds} s`,
        ]
      : [];
  const load: LoadStatus = {
    droppedIterations: 0,
    offeredRatePerSecond: null,
    achievedIterationRatePerSecond: null,
    doubts,
    deliveredAsOffered: false,
  };
  const context = { requiredTier: plan.requiredTier, settings: profile.evaluation, load };
  const judged = new Map<string, ObjectiveResult>();
  plan.planned.forEach((planned, i) => {
    const item = evidence[i];
    if (!item) return;
    const result = judgeObjective(planned.spec, toMeasurement(item, coverage), context);
    judged.set(planned.spec.id, { ...result, source: "prometheus" });
  });
  for (const skipped of plan.skipped) {
    const spec = profile.objectives.find((objective) => objective.id === skipped.id);
    if (spec) judged.set(spec.id, skippedResult(spec, skipped.reason));
  }
  const objectives = profile.objectives.flatMap((spec) => judged.get(spec.id) ?? []);
  if (coverage.kind === "gap" || coverage.kind === "error") {
    findings.push({ severity: "warning", code: "PROMETHEUS_COVERAGE", message: coverage.reason });
  }
  return buildVerdict({
    profile: profile.name,
    requiredTier: plan.requiredTier,
    window: { kind: "range", fromMs: options.fromMs, toMs: options.toMs, seconds: windowSeconds },
    // No k6 ran: the service is judged from Prometheus alone.
    k6: { kind: "none" },
    objectives,
    findings,
  });
}
