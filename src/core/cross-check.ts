import type { Finding } from "./types.js";

/**
 * Cross-checks between the client's view (k6) and the server's (Prometheus).
 * Two sources that disagree are a finding for the reader, not a verdict: each
 * check says what the disagreement usually means.
 */

export interface RequestCountCheck {
  /** Requests k6 sent in the window. */
  clientRequests: number;
  /** Requests the service counted in the same window. */
  serverRequests: number;
  windowSeconds: number;
  /**
   * Prometheus sees counters only at scrapes, so each window edge may shift
   * up to one interval of traffic between windows. Default 1 s.
   */
  scrapeIntervalSeconds?: number;
  /** Relative slack on top of the edge effect. Default 0.02 (2 %). */
  toleranceRatio?: number;
}

/** Server-side count against client-side count; [] when they agree within the edge effect. */
export function crossCheckRequestCounts(check: RequestCountCheck): Finding[] {
  const { clientRequests, serverRequests, windowSeconds } = check;
  if (!(clientRequests > 0) || !(windowSeconds > 0)) return [];
  const interval = check.scrapeIntervalSeconds ?? 1;
  const ratePerSecond = clientRequests / windowSeconds;
  // Two edges, each off by at most one scrape interval of traffic.
  const slack = 2 * interval * ratePerSecond + (check.toleranceRatio ?? 0.02) * clientRequests;
  const difference = serverRequests - clientRequests;
  if (Math.abs(difference) <= slack) return [];
  const share = `${((Math.abs(difference) / clientRequests) * 100).toFixed(1)}%`;
  if (difference < 0) {
    return [
      {
        severity: "warning",
        code: "SERVER_COUNT_LOW",
        message: `the service counted ${Math.round(serverRequests)} requests, k6 sent ${clientRequests} (${share} fewer): requests failed before reaching it (connection errors, timeouts, a proxy answering), or the Prometheus selector misses some instances`,
      },
    ];
  }
  return [
    {
      severity: "warning",
      code: "SERVER_COUNT_HIGH",
      message: `the service counted ${Math.round(serverRequests)} requests, k6 sent ${clientRequests} (${share} more): other traffic reached it during the run, so its server-side SLIs are not about this test alone`,
    },
  ];
}

export interface LatencyCheck {
  clientP95Ms: number;
  serverP95Ms: number;
  /** Server p95 below this share of client p95 is "far below". Default 0.5. */
  farBelowRatio?: number;
  /** The server histogram's bucket around its estimate, when known (classic histograms). */
  serverBucketMs?: { lowerMs: number; upperMs: number };
}

/** Server p95 against client p95: time spent outside the handler, or histogram coarseness. */
export function crossCheckLatency(check: LatencyCheck): Finding[] {
  const { clientP95Ms, serverP95Ms } = check;
  if (!(clientP95Ms > 0) || !Number.isFinite(serverP95Ms) || serverP95Ms < 0) return [];
  const ratio = check.farBelowRatio ?? 0.5;
  const bucket = check.serverBucketMs;
  // When the client's p95 falls in the server's bucket the two agree as far as the histogram can tell.
  const inBucket =
    bucket !== undefined && clientP95Ms > bucket.lowerMs && clientP95Ms <= bucket.upperMs;
  if (serverP95Ms < ratio * clientP95Ms && !inBucket) {
    return [
      {
        severity: "warning",
        code: "SERVER_P95_FAR_BELOW_CLIENT",
        message: `server p95 ${formatMs(serverP95Ms)} is far below k6's ${formatMs(clientP95Ms)}: the time goes outside the handler the service measures (network, TLS, a proxy or load balancer, queueing before the handler, or an overloaded load generator); judge latency by the client's number`,
      },
    ];
  }
  if (serverP95Ms > clientP95Ms && !inBucket) {
    return [
      {
        severity: "info",
        code: "SERVER_P95_ABOVE_CLIENT",
        message: `server p95 ${formatMs(serverP95Ms)} is above k6's ${formatMs(clientP95Ms)}, which a request cannot be: histogram_quantile interpolates inside a bucket, so the server figure is an estimate${bucket ? ` within (${formatMs(bucket.lowerMs)}, ${formatMs(bucket.upperMs)}]` : ""}, or the two windows differ`,
      },
    ];
  }
  return [];
}

export interface BucketResolutionCheck {
  /** The histogram's finite upper bounds (`le`), in ms, any order. */
  edgesMs: readonly number[];
  /** histogram_quantile's estimate, in ms. */
  estimateMs: number;
  /** Tier boundaries for this objective, in ms (e.g. 100, 200, 500). */
  boundariesMs: readonly number[];
  /** Objective name for the message, e.g. "latency_p95". */
  objective?: string;
}

export interface BucketResolution {
  /** The bucket (lowerMs, upperMs] the estimate falls in; upperMs is Infinity above the last edge. */
  bucket: { lowerMs: number; upperMs: number };
  /** Tier boundaries strictly inside the bucket: the histogram cannot say on which side the true value is. */
  unresolvedBoundariesMs: number[];
  findings: Finding[];
}

/**
 * histogram_quantile only knows how many observations fell in each bucket,
 * and interpolates linearly inside it. If a tier boundary lies strictly
 * inside the bucket holding the estimate, the true quantile may be on either
 * side of that boundary whatever the estimate says: e.g. buckets (50, 100]
 * and a 75 ms boundary. An edge exactly at a boundary resolves it.
 */
export function checkBucketResolution(check: BucketResolutionCheck): BucketResolution {
  const edges = [...new Set(check.edgesMs.filter((edge) => Number.isFinite(edge)))].sort(
    (a, b) => a - b,
  );
  const estimate = check.estimateMs;
  let lowerMs = 0;
  let upperMs = Number.POSITIVE_INFINITY;
  for (const edge of edges) {
    if (estimate <= edge) {
      upperMs = edge;
      break;
    }
    lowerMs = edge;
  }
  const unresolvedBoundariesMs = [...new Set(check.boundariesMs)]
    .filter((boundary) => boundary > lowerMs && boundary < upperMs)
    .sort((a, b) => a - b);
  const name = check.objective ?? "the quantile";
  const findings: Finding[] = unresolvedBoundariesMs.map((boundary) => ({
    severity: "warning",
    code: "BUCKET_RESOLUTION",
    message: `${name} estimate ${formatMs(estimate)} lies in the histogram bucket (${formatMs(lowerMs)}, ${Number.isFinite(upperMs) ? formatMs(upperMs) : "+Inf"}], which contains the tier boundary ${formatMs(boundary)}: the server-side value cannot tell which side of it the true quantile is on; add a bucket edge at ${formatMs(boundary)} (le="${boundary / 1000}" for a histogram in seconds)`,
  }));
  return { bucket: { lowerMs, upperMs }, unresolvedBoundariesMs, findings };
}

function formatMs(ms: number): string {
  return `${Number.isInteger(ms) ? ms : ms.toFixed(1)} ms`;
}
