import { analyzeScrapeCoverage, type ScrapeCoverage } from "../../core/scrape-coverage.js";
import type { Unit } from "../../core/types.js";
import { queryInstant, type PromQueryOutcome, type PrometheusConnection } from "./client.js";
import {
  downgradeEvidence,
  readByLabel,
  readSingleNumber,
  toEvidence,
  type PrometheusEvidence,
} from "./evidence.js";
import {
  measureObjective,
  measureOverride,
  type ByLabelReading,
  type MeasureContext,
} from "./measure.js";
import {
  checkSliSettings,
  DEFAULT_PROMETHEUS_SLI_SETTINGS,
  PROMETHEUS_OBJECTIVE_IDS,
  type PrometheusObjectiveId,
  type PrometheusSliSettings,
} from "../../promql/settings.js";
import { buildSliQueries, expandQueryTemplate, type SliQueries } from "../../promql/sli-queries.js";

export type { PrometheusEvidence, PrometheusEvidenceStatus } from "./evidence.js";

export interface ReadPrometheusSlisOptions {
  connection: PrometheusConnection;
  /** Window start and end, Unix ms; queries are evaluated at `toMs` over `[toMs - fromMs]`. */
  fromMs: number;
  toMs: number;
  /** Defaults: DEFAULT_PROMETHEUS_SLI_SETTINGS. */
  settings?: PrometheusSliSettings;
  /** Which objectives to read; all six by default. */
  objectives?: readonly PrometheusObjectiveId[];
  /** Check `up` over the window and mark everything inconclusive on a gap. Default true. */
  checkScrapeCoverage?: boolean;
  /** The scrape interval, when known; estimated from the `up` samples otherwise. */
  scrapeIntervalSeconds?: number;
}

export interface PrometheusRouteEvidence {
  route: string;
  requests: number;
  errors: number;
  /** Server-side quantile (p95 by default) in ms; null where the histogram gave none. */
  latencyMs: number | null;
}

export interface PrometheusQueryTiming {
  name: string;
  query: string;
  elapsedMs: number;
  outcome: "ok" | "error";
}

export type PrometheusCoverage =
  ScrapeCoverage | { kind: "skipped" } | { kind: "error"; reason: string };

export interface PrometheusSlisResult {
  windowSeconds: number;
  evidence: PrometheusEvidence[];
  routes: PrometheusRouteEvidence[];
  coverage: PrometheusCoverage;
  timings: PrometheusQueryTiming[];
}

const UNITS: Record<PrometheusObjectiveId, Unit> = {
  latency_p95: "ms",
  error_rate: "ratio",
  throughput: "req/s",
  db_latency_p95: "ms",
  cpu: "ratio",
  memory: "ratio",
};

/** Rates need two scrapes inside the window; shorter windows say nothing. */
const MIN_WINDOW_SECONDS = 2;

const REQUEST_QUERIES: (keyof SliQueries)[] = [
  "requestsByRoute",
  "errorsByRoute",
  "requestResets",
  "latencyByRoute",
];

/** Objectives computed from request counters, so a counter reset makes them untrustworthy. */
const REQUEST_OBJECTIVES = new Set<PrometheusObjectiveId>([
  "latency_p95",
  "error_rate",
  "throughput",
]);

const QUERIES_FOR: Record<PrometheusObjectiveId, (keyof SliQueries)[]> = {
  latency_p95: [...REQUEST_QUERIES, "latencyOverall", "latencyCount"],
  error_rate: REQUEST_QUERIES,
  throughput: REQUEST_QUERIES,
  db_latency_p95: ["dbLatency", "dbCount"],
  cpu: ["cpuSecondsPerSecond", "cpuSampleCount"],
  memory: ["memoryPeakBytes", "memorySampleCount"],
};

/**
 * Reads the server-side SLIs for one window from Prometheus. Every query runs
 * once, all in parallel; each objective comes back as evidence whose status
 * says whether it may be judged. Unreachable, slow or failing Prometheus,
 * partial answers, empty or non-finite results and scrape gaps all end as
 * inconclusive or error with a reason, never as a usable value.
 */
export async function readPrometheusSlis(
  options: ReadPrometheusSlisOptions,
): Promise<PrometheusSlisResult> {
  const settings = options.settings ?? DEFAULT_PROMETHEUS_SLI_SETTINGS;
  checkSliSettings(settings);
  const wanted = options.objectives ?? PROMETHEUS_OBJECTIVE_IDS;
  const windowSeconds = (options.toMs - options.fromMs) / 1000;
  if (!(windowSeconds >= MIN_WINDOW_SECONDS)) {
    const reason = `window of ${windowSeconds} s is too short for rates (need >= ${MIN_WINDOW_SECONDS} s)`;
    return {
      windowSeconds,
      evidence: wanted.map((id) => ({
        id,
        value: null,
        unit: UNITS[id],
        samples: 0,
        status: "inconclusive",
        reason,
      })),
      routes: [],
      coverage: { kind: "skipped" },
      timings: [],
    };
  }

  const queries = buildSliQueries(settings, windowSeconds);
  const plan = new Map<string, string>();
  for (const id of wanted) {
    for (const name of QUERIES_FOR[id]) plan.set(name, queries[name]);
    const template = settings.queries?.[id];
    if (template !== undefined) {
      plan.set(`override:${id}`, expandQueryTemplate(template, settings, windowSeconds));
    }
  }
  const checkCoverage = options.checkScrapeCoverage ?? true;
  if (checkCoverage) plan.set("upSamples", queries.upSamples);

  const names = [...plan.keys()];
  const outcomes = await Promise.all(
    names.map((name) => queryInstant(options.connection, plan.get(name) ?? "", options.toMs)),
  );
  const answers = new Map<string, PromQueryOutcome>();
  names.forEach((name, i) => {
    const outcome = outcomes[i];
    if (outcome) answers.set(name, outcome);
  });
  const timings = names.map((name) => ({
    name,
    query: plan.get(name) ?? "",
    elapsedMs: answers.get(name)?.elapsedMs ?? 0,
    outcome: answers.get(name)?.kind ?? "error",
  }));

  const route = settings.labels.route;
  const byRoute = (name: string, what: string, emptyMeansZero: boolean): ByLabelReading | null => {
    const outcome = answers.get(name);
    return outcome ? readByLabel(outcome, route, what, emptyMeansZero) : null;
  };
  const context: MeasureContext = {
    settings,
    queries,
    windowSeconds,
    answer: (name) => answers.get(name),
    query: (name) => plan.get(name) ?? queries[name as keyof SliQueries],
    requests: byRoute("requestsByRoute", "request count", false),
    // A service creates its 5xx series at the first 5xx: none means none happened.
    errors: byRoute("errorsByRoute", "5xx count", true),
  };

  const evidence = wanted.map((id) => {
    const measured = plan.has(`override:${id}`)
      ? measureOverride(id, context)
      : measureObjective(id, context);
    const item = toEvidence(id, UNITS[id], measured.reading, measured.samples, measured.query);
    if (item.status === "ok" && item.value !== null && item.value < 0) {
      return downgradeEvidence(
        item,
        "inconclusive",
        `${id} is negative (${item.value}): a broken query`,
      );
    }
    const resets = REQUEST_OBJECTIVES.has(id) ? readResets(answers.get("requestResets")) : null;
    return resets === null ? item : downgradeEvidence(item, resets.status, resets.reason);
  });

  const coverage = checkCoverage
    ? readCoverage(answers.get("upSamples"), options)
    : ({ kind: "skipped" } as const);
  const judged =
    coverage.kind === "gap"
      ? evidence.map((item) =>
          downgradeEvidence(item, "inconclusive", `scrape gap: ${coverage.reason}`),
        )
      : coverage.kind === "error"
        ? evidence.map((item) => downgradeEvidence(item, "error", coverage.reason))
        : evidence;

  return {
    windowSeconds,
    evidence: judged,
    routes: buildRoutes(context, byRoute("latencyByRoute", "route latency", true)),
    coverage,
    timings,
  };
}

/** A restarted service resets its counters: end-minus-start counts across it are wrong. */
function readResets(
  outcome: PromQueryOutcome | undefined,
): { status: "inconclusive" | "error"; reason: string } | null {
  if (outcome === undefined) return null;
  const reading = readSingleNumber(outcome, "counter resets");
  if (reading.kind === "error") return { status: "error", reason: reading.reason };
  // No series at all is what a service with no traffic yields; the request query says so already.
  if (reading.kind === "inconclusive") return null;
  return reading.value > 0
    ? {
        status: "inconclusive",
        reason: `${reading.value} counter reset(s) in the window: the service restarted, so request counts across it are unreliable`,
      }
    : null;
}

function readCoverage(
  up: PromQueryOutcome | undefined,
  options: ReadPrometheusSlisOptions,
): PrometheusCoverage {
  if (up === undefined) return { kind: "error", reason: "scrape coverage check did not run" };
  if (up.kind === "error") {
    return {
      kind: "error",
      reason: `scrape coverage check failed (${up.errorType}): ${up.message}`,
    };
  }
  if (up.warnings.length > 0) {
    return { kind: "gap", reason: `Prometheus warned: ${up.warnings.join("; ")}` };
  }
  return analyzeScrapeCoverage(
    up.series.map((series) => ({
      instance: series.labels.instance ?? "?",
      points: series.points,
    })),
    {
      fromMs: options.fromMs,
      toMs: options.toMs,
      ...(options.scrapeIntervalSeconds === undefined
        ? {}
        : { scrapeIntervalSeconds: options.scrapeIntervalSeconds }),
    },
  );
}

function buildRoutes(
  context: MeasureContext,
  latencies: ByLabelReading | null,
): PrometheusRouteEvidence[] {
  const { requests, errors, settings } = context;
  if (requests?.kind !== "ok") return [];
  const factor = settings.durationUnit === "seconds" ? 1000 : 1;
  return [...requests.values]
    .map(([route, count]) => {
      const latency = latencies?.kind === "ok" ? latencies.values.get(route) : undefined;
      return {
        route,
        requests: Math.round(count),
        errors: Math.round(errors?.kind === "ok" ? (errors.values.get(route) ?? 0) : 0),
        latencyMs: latency !== undefined && Number.isFinite(latency) ? latency * factor : null,
      };
    })
    .sort((a, b) => a.route.localeCompare(b.route));
}
