import { queryInstant, type PrometheusConnection } from "./client.js";
import { buildBucketEdgesQuery } from "../../promql/scrape-queries.js";

export interface ReadBucketEdgesOptions {
  connection: PrometheusConnection;
  /** Histogram base name, e.g. `http_request_duration_seconds`. */
  metric: string;
  /** Label matchers as in PrometheusSliSettings.selector. */
  selector: string;
  /** Evaluation time, Unix ms (the end of the window). */
  atMs: number;
  durationUnit?: "seconds" | "milliseconds";
}

export type BucketEdges =
  { kind: "ok"; edgesMs: number[] } | { kind: "unavailable"; reason: string };

/**
 * The finite `le` edges of a classic histogram, in ms, for
 * checkBucketResolution. Native histograms have no fixed edges: unavailable.
 */
export async function readBucketEdges(options: ReadBucketEdgesOptions): Promise<BucketEdges> {
  const query = buildBucketEdgesQuery(options.metric, options.selector);
  const outcome = await queryInstant(options.connection, query, options.atMs);
  if (outcome.kind === "error") {
    return { kind: "unavailable", reason: `${outcome.errorType}: ${outcome.message}` };
  }
  const factor = (options.durationUnit ?? "seconds") === "seconds" ? 1000 : 1;
  const edgesMs = outcome.series
    .map((series) => Number(series.labels.le))
    .filter((edge) => Number.isFinite(edge))
    // Round away float noise (0.075 * 1000): edges are compared with tier boundaries.
    .map((edge) => Math.round(edge * factor * 1e6) / 1e6)
    .sort((a, b) => a - b);
  if (edgesMs.length === 0) {
    return {
      kind: "unavailable",
      reason: `no ${options.metric}_bucket series with finite le edges`,
    };
  }
  return { kind: "ok", edgesMs };
}
