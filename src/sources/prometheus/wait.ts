import { PrometheusError } from "../../errors.js";
import { queryInstant, type PrometheusConnection } from "./client.js";
import { buildOldestLatestScrapeQuery } from "../../promql/scrape-queries.js";

export interface WaitForScrapeOptions {
  connection: PrometheusConnection;
  /** Label matchers of the targets, as in PrometheusSliSettings.selector. */
  selector: string;
  /** Every target must have a scrape at or after this time (Unix ms). */
  afterMs: number;
  /** Default 15 000 ms. */
  timeoutMs?: number;
}

/**
 * Waits until every scraped target has a sample at or after `afterMs`, so the
 * counters Prometheus holds cover the whole run before its window is read.
 * Polls a real query; bounded by `timeoutMs`; resolves with the wait in ms.
 */
export async function waitForScrapeAfter(options: WaitForScrapeOptions): Promise<number> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 15_000);
  const query = buildOldestLatestScrapeQuery(options.selector);
  let last = "no answer yet";
  let delayMs = 100;
  while (Date.now() < deadline) {
    const outcome = await queryInstant(options.connection, query, Date.now());
    if (outcome.kind === "error") {
      last = `${outcome.errorType}: ${outcome.message}`;
    } else {
      const seconds = outcome.series[0]?.points[0]?.[1];
      if (seconds !== undefined && seconds * 1000 >= options.afterMs) return Date.now() - started;
      last =
        seconds === undefined
          ? "no target matches the selector"
          : `oldest latest scrape is ${((options.afterMs - seconds * 1000) / 1000).toFixed(1)} s before the end`;
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 1000);
  }
  throw new PrometheusError(
    "PROMETHEUS_SCRAPE_BEHIND",
    `Prometheus has not scraped the targets past the end of the run within ${options.timeoutMs ?? 15_000} ms (${last}); check that it scrapes them`,
  );
}
