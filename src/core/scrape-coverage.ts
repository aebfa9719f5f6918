/** One target's `up` samples in the window: [Unix seconds, 1 | 0]. */
export interface UpSeries {
  /** e.g. `127.0.0.1:8080` (the `instance` label), for the reason text. */
  instance: string;
  points: readonly (readonly [number, number])[];
}

export interface ScrapeCoverageOptions {
  fromMs: number;
  toMs: number;
  /** The configured scrape interval when known; otherwise estimated from the samples. */
  scrapeIntervalSeconds?: number;
  /**
   * A gap counts when consecutive samples are more than this many intervals
   * apart. Default 2.5: one missed scrape plus jitter is tolerated, two are not.
   */
  toleranceIntervals?: number;
}

export type ScrapeCoverage =
  { kind: "complete"; intervalSeconds: number; scrapes: number } | { kind: "gap"; reason: string };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Decides whether Prometheus saw the service through the whole window: every
 * target scraped successfully (`up == 1`), no two scrapes further apart than
 * the tolerance, and samples reaching both ends of the window. Rates over a
 * window with a hole silently average over less time than the run, so any
 * gap makes the server-side evidence inconclusive.
 */
export function analyzeScrapeCoverage(
  series: readonly UpSeries[],
  options: ScrapeCoverageOptions,
): ScrapeCoverage {
  if (series.length === 0) {
    return {
      kind: "gap",
      reason: "no `up` series for the selector in the window: nothing was scraped",
    };
  }
  const tolerance = options.toleranceIntervals ?? 2.5;
  const fromSeconds = options.fromMs / 1000;
  const toSeconds = options.toMs / 1000;
  let scrapes = 0;
  let interval = options.scrapeIntervalSeconds ?? 0;
  for (const target of series) {
    const times = target.points.map(([time]) => time).sort((a, b) => a - b);
    if (times.length < 2) {
      return {
        kind: "gap",
        reason: `${target.instance}: ${times.length} scrape(s) in the window, need at least 2`,
      };
    }
    const steps = times.slice(1).map((time, i) => time - (times[i] ?? time));
    const step = options.scrapeIntervalSeconds ?? median(steps);
    interval = Math.max(interval, step);
    const allowed = step * tolerance;
    const down = target.points.filter(([, value]) => value !== 1);
    if (down.length > 0) {
      const first = Math.min(...down.map(([time]) => time));
      return {
        kind: "gap",
        reason: `${target.instance}: ${down.length} failed scrape(s) (up=0), first at ${new Date(first * 1000).toISOString()}`,
      };
    }
    const widest = Math.max(...steps);
    if (widest > allowed) {
      const at = steps.indexOf(widest);
      return {
        kind: "gap",
        reason: `${target.instance}: no scrape for ${widest.toFixed(1)} s from ${new Date((times[at] ?? 0) * 1000).toISOString()} (interval ${step.toFixed(1)} s)`,
      };
    }
    const first = times[0] ?? 0;
    const last = times[times.length - 1] ?? 0;
    if (first - fromSeconds > allowed) {
      return {
        kind: "gap",
        reason: `${target.instance}: first scrape ${(first - fromSeconds).toFixed(1)} s after the window starts`,
      };
    }
    if (toSeconds - last > allowed) {
      return {
        kind: "gap",
        reason: `${target.instance}: last scrape ${(toSeconds - last).toFixed(1)} s before the window ends; wait for Prometheus to scrape past the end of the run`,
      };
    }
    scrapes += times.length;
  }
  return { kind: "complete", intervalSeconds: interval, scrapes };
}
