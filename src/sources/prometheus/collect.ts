import {
  checkBucketResolution,
  crossCheckLatency,
  crossCheckRequestCounts,
} from "../../core/cross-check.js";
import type { Finding } from "../../core/types.js";
import { readPrometheusSlis, type PrometheusSlisResult } from "./slis.js";
import {
  resolvePrometheusAuth,
  type PrometheusAuthSettings,
  type ResolveAuthOptions,
} from "./auth.js";
import { readBucketEdges } from "./buckets.js";
import type { PrometheusConnection } from "./client.js";
import {
  DEFAULT_PROMETHEUS_SLI_SETTINGS,
  type PrometheusObjectiveId,
  type PrometheusSliSettings,
} from "../../promql/settings.js";
import { waitForScrapeAfter } from "./wait.js";

export interface CollectPrometheusOptions {
  /** `--prometheus <url>`. */
  url: string;
  auth?: PrometheusAuthSettings;
  headers?: Readonly<Record<string, string>>;
  /** Per query. Default 10 000 ms. */
  timeoutMs?: number;
  /** The evaluated window (the steady phase by default), Unix ms. */
  fromMs: number;
  toMs: number;
  settings?: PrometheusSliSettings;
  objectives?: readonly PrometheusObjectiveId[];
  /**
   * Prometheus scrapes the service (true, default): wait for a scrape past
   * `toMs` and check `up` over the window. False for pushed data (k6 remote write).
   */
  scraped?: boolean;
  /** k6's view of the same window, for the cross-checks. */
  client?: { requests: number; p95Ms: number | null };
  /** Tier boundaries per objective in ms, for the bucket-resolution check (e.g. latency_p95: [100, 200, 500]). */
  boundariesMs?: Partial<Record<"latency_p95" | "db_latency_p95", readonly number[]>>;
  /** Where auth secrets are read from; process.env and the file system by default. */
  secrets?: ResolveAuthOptions;
}

export interface CollectPrometheusResult extends PrometheusSlisResult {
  /** Cross-checks against k6 and bucket-resolution warnings. */
  findings: Finding[];
  /** The classic-histogram bucket holding the server's request p95 (upperMs Infinity above the last edge), when known. */
  latencyBucketMs: { lowerMs: number; upperMs: number } | null;
  /** Wall-clock ms spent: waiting for the scrape, then querying (SLIs in parallel, then bucket edges). */
  timing: { scrapeWaitMs: number; queriesMs: number; totalMs: number; queryCount: number };
}

/**
 * Everything `run --prometheus` needs from Prometheus for one window: waits
 * until Prometheus has scraped past the end of the run, reads the
 * server-side SLIs, and compares them with k6's numbers. Failures are in the
 * evidence (inconclusive/error), never thrown; only a wrong credential setting
 * (a user's mistake) throws a ConfigError.
 */
export async function collectPrometheusEvidence(
  options: CollectPrometheusOptions,
): Promise<CollectPrometheusResult> {
  const settings = options.settings ?? DEFAULT_PROMETHEUS_SLI_SETTINGS;
  const connection: PrometheusConnection = {
    url: options.url,
    auth: resolvePrometheusAuth(options.auth ?? { kind: "none" }, options.secrets),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  const scraped = options.scraped ?? true;
  const findings: Finding[] = [];
  const startedMs = performance.now();
  if (scraped) {
    try {
      await waitForScrapeAfter({ connection, selector: settings.selector, afterMs: options.toMs });
    } catch (error) {
      // The coverage check will call the window incomplete; say why here.
      findings.push({
        severity: "warning",
        code: "PROMETHEUS_SCRAPE_BEHIND",
        message: (error as Error).message,
      });
    }
  }
  const queriesStartedMs = performance.now();
  const result = await readPrometheusSlis({
    connection,
    fromMs: options.fromMs,
    toMs: options.toMs,
    settings,
    checkScrapeCoverage: scraped,
    ...(options.objectives ? { objectives: options.objectives } : {}),
  });
  const byId = new Map(result.evidence.map((item) => [item.id, item]));

  const throughput = byId.get("throughput");
  if (options.client && throughput?.status === "ok") {
    findings.push(
      ...crossCheckRequestCounts({
        clientRequests: options.client.requests,
        serverRequests: throughput.samples,
        windowSeconds: result.windowSeconds,
      }),
    );
  }

  let latencyBucketMs: CollectPrometheusResult["latencyBucketMs"] = null;
  let bucketQueries = 0;
  for (const [id, metric] of [
    ["latency_p95", settings.metrics.requestDuration],
    ["db_latency_p95", settings.metrics.dbQueryDuration],
  ] as const) {
    const item = byId.get(id);
    if (item?.status !== "ok" || item.value === null || settings.histogramKind !== "classic")
      continue;
    bucketQueries += 1;
    const edges = await readBucketEdges({
      connection,
      metric,
      selector: settings.selector,
      atMs: options.toMs,
      durationUnit: settings.durationUnit,
    });
    if (edges.kind !== "ok") continue;
    const resolution = checkBucketResolution({
      edgesMs: edges.edgesMs,
      estimateMs: item.value,
      boundariesMs: options.boundariesMs?.[id] ?? [],
      objective: `server ${id}`,
    });
    findings.push(...resolution.findings);
    if (id === "latency_p95") latencyBucketMs = resolution.bucket;
    const clientP95 = options.client?.p95Ms;
    if (id === "latency_p95" && clientP95 !== null && clientP95 !== undefined) {
      findings.push(
        ...crossCheckLatency({
          clientP95Ms: clientP95,
          serverP95Ms: item.value,
          serverBucketMs: resolution.bucket,
        }),
      );
    }
  }
  const endedMs = performance.now();
  const timing = {
    scrapeWaitMs: Math.round(queriesStartedMs - startedMs),
    queriesMs: Math.round(endedMs - queriesStartedMs),
    totalMs: Math.round(endedMs - startedMs),
    queryCount: result.timings.length + bucketQueries,
  };
  return { ...result, findings, latencyBucketMs, timing };
}
