import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Edges in seconds. The tier boundaries of the performance table (10, 50, 100,
 * 200 and 500 ms for API p95; 10, 50 and 100 ms for database p95) are bucket
 * edges, so histogram_quantile can tell on which side of a boundary p95 lies.
 */
export const HTTP_DURATION_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5, 10,
];
export const DB_DURATION_BUCKETS_SECONDS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];

/** Endpoint label for requests that match no route, so URLs never become labels. */
export const UNMATCHED_ENDPOINT = "unmatched";

const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

interface CounterChild {
  inc(): void;
}
interface HistogramChild {
  observe(value: number): void;
}

/**
 * Records one finished request. Label children are created once per
 * (method, status) and reused: looking them up by label values on every
 * request would hash and allocate on the hot path.
 */
export class EndpointMetrics {
  private readonly counters = new Map<string, Map<number, CounterChild>>();
  private readonly durations = new Map<string, HistogramChild>();

  constructor(
    private readonly metrics: ServiceMetrics,
    readonly endpoint: string,
  ) {}

  record(method: string, status: number, seconds: number): void {
    const label = KNOWN_METHODS.has(method) ? method : "OTHER";
    let byStatus = this.counters.get(label);
    if (byStatus === undefined) {
      byStatus = new Map();
      this.counters.set(label, byStatus);
    }
    let counter = byStatus.get(status);
    if (counter === undefined) {
      counter = this.metrics.requests.labels(label, this.endpoint, String(status));
      byStatus.set(status, counter);
    }
    counter.inc();
    let duration = this.durations.get(label);
    if (duration === undefined) {
      duration = this.metrics.requestDuration.labels(label, this.endpoint);
      this.durations.set(label, duration);
    }
    duration.observe(seconds);
  }
}

/** The service's metrics, in a registry of its own so several services share a process. */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests by method, route template and status code.",
    labelNames: ["method", "endpoint", "status"] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time from routing a request to writing its response, by route template.",
    labelNames: ["method", "endpoint"] as const,
    buckets: HTTP_DURATION_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  readonly dbQueryDuration = new Histogram({
    name: "db_query_duration_seconds",
    help: "Time spent in each storage call, by operation and table.",
    labelNames: ["operation", "table"] as const,
    buckets: DB_DURATION_BUCKETS_SECONDS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Per-route recorder; call once per route at start-up. */
  forEndpoint(endpoint: string): EndpointMetrics {
    return new EndpointMetrics(this, endpoint);
  }

  /** A precomputed child for one storage call site. */
  forQuery(operation: string, table: string): HistogramChild {
    return this.dbQueryDuration.labels(operation, table);
  }
}
