import { TargetError } from "../../errors.js";

/** A delay drawn uniformly from [minMs, maxMs]; equal bounds make it fixed. */
export interface LatencyRange {
  minMs: number;
  maxMs: number;
}

/** Faults for one route template, overriding the all-routes values. */
export interface RouteFaults {
  errorRatio?: number;
  latency?: LatencyRange;
}

/**
 * Ground-truth capacity: at most `concurrency` requests are worked on at once,
 * each for `serviceTimeMs` of timer-based work, so the service completes at
 * most concurrency / serviceTimeMs × 1000 requests per second. Up to
 * `maxQueue` more wait in FIFO order; beyond that they get the error status.
 * The pool keeps to its planned schedule, so late timers do not lower that
 * ceiling; one request may still take a timer tick (~1 ms) over serviceTimeMs.
 */
export interface CapacityLimit {
  concurrency: number;
  serviceTimeMs: number;
  maxQueue: number;
}

/** Everything injectable, as set at start and read/written by GET/PUT /admin/faults. */
export interface FaultConfig {
  /** Seeds the PRNG that picks failing requests and delays; reseeded on every change. */
  seed: number;
  /** Status of an injected error (5xx). */
  errorStatus: number;
  /** Share of API requests, 0..1, answered with errorStatus. */
  errorRatio: number;
  latency: LatencyRange | null;
  /** Added to every storage call, inside db_query_duration_seconds: a slow database on purpose. */
  dbLatency: LatencyRange | null;
  /** Keyed by route template, e.g. "/api/v1/users/:id". */
  routes: Record<string, RouteFaults>;
  capacity: CapacityLimit | null;
}

export const DEFAULT_MAX_QUEUE = 10_000;

/** No faults: what a target runs with unless told otherwise. */
export function createNoFaults(): FaultConfig {
  return {
    seed: 1,
    errorStatus: 503,
    errorRatio: 0,
    latency: null,
    dbLatency: null,
    routes: {},
    capacity: null,
  };
}

const HELP =
  "items: error[@route]=0.02|2%, latency[@route]=150ms|50-150ms, db=20ms|10-30ms, status=503, seed=7, capacity=8x50ms, queue=1000";

/**
 * Parses a fault spec: comma-separated `key[@route]=value` items.
 *
 * | item                     | meaning                                                   |
 * |--------------------------|-----------------------------------------------------------|
 * | `error=0.02` / `error=2%`| 2 % of API requests answered with the error status        |
 * | `latency=150ms`          | every API request delayed 150 ms (`s` also accepted)      |
 * | `latency=50-150ms`       | delay drawn uniformly from 50..150 ms                     |
 * | `error@/orders=0.1`      | only on route template /orders (overrides the global one) |
 * | `latency@/api/v1/users/:id=50-150ms` | only on that route template                   |
 * | `db=20ms` / `db=10-30ms` | every storage call delayed (seen in db_query_duration)    |
 * | `status=500`             | status of injected errors, 500..599 (default 503)         |
 * | `seed=7`                 | PRNG seed: same seed, same failing requests and delays    |
 * | `capacity=8x50ms`        | 8 concurrent slots × 50 ms each = 160 req/s, queue beyond |
 * | `queue=1000`             | max requests waiting for a slot (default 10000)           |
 *
 * A route may also be written first in the value, as `latency=/api/v1/users/:id:50-150ms`
 * (the route ends at the last colon). An empty spec or `none` means no faults.
 * Example: `error=0.02,latency=150ms,seed=7`.
 *
 * @throws TargetError (code TARGET_BAD_FAULT_SPEC) naming the item at fault.
 */
export function parseFaultSpec(spec: string): FaultConfig {
  const config = createNoFaults();
  const trimmed = spec.trim();
  if (trimmed === "" || trimmed === "none") return config;
  const seen = new Set<string>();
  let maxQueue: number | undefined;
  for (const rawItem of trimmed.split(",")) {
    const item = rawItem.trim();
    const eq = item.indexOf("=");
    if (eq <= 0) fail(item, `expected key=value (${HELP})`);
    let key = item.slice(0, eq).trim();
    let value = item.slice(eq + 1).trim();
    let route: string | undefined;
    const at = key.indexOf("@");
    if (at >= 0) {
      route = key.slice(at + 1);
      key = key.slice(0, at);
    } else if (value.startsWith("/") && (key === "error" || key === "latency")) {
      const colon = value.lastIndexOf(":");
      if (colon <= 0) fail(item, "write the route and value as /route:value");
      route = value.slice(0, colon);
      value = value.slice(colon + 1);
    }
    if (route !== undefined && !route.startsWith("/")) {
      fail(item, "a route template starts with /, e.g. /api/v1/users/:id");
    }
    const seenKey = `${key}@${route ?? ""}`;
    if (seen.has(seenKey)) fail(item, "given twice; keep one");
    seen.add(seenKey);
    if (route !== undefined && key !== "error" && key !== "latency") {
      fail(item, `only error and latency can target a route`);
    }
    switch (key) {
      case "error": {
        const ratio = parseRatio(item, value);
        if (route === undefined) config.errorRatio = ratio;
        else config.routes[route] = { ...config.routes[route], errorRatio: ratio };
        break;
      }
      case "latency": {
        const latency = parseLatency(item, value);
        if (route === undefined) config.latency = latency;
        else config.routes[route] = { ...config.routes[route], latency };
        break;
      }
      case "db":
        config.dbLatency = parseLatency(item, value);
        break;
      case "status":
        config.errorStatus = parseInteger(item, value, 500, 599);
        break;
      case "seed":
        config.seed = parseInteger(item, value, 0, 0xffffffff);
        break;
      case "capacity":
        config.capacity = parseCapacity(item, value);
        break;
      case "queue":
        maxQueue = parseInteger(item, value, 0, 1_000_000);
        break;
      default:
        fail(item, `unknown key "${key}" (${HELP})`);
    }
  }
  if (maxQueue !== undefined) {
    if (config.capacity === null) fail(`queue=${maxQueue}`, "queue needs capacity=CxSms too");
    config.capacity.maxQueue = maxQueue;
  }
  return config;
}

/** The spec string that parses back to `config`, for printing. */
export function formatFaultSpec(config: FaultConfig): string {
  const items: string[] = [];
  if (config.errorRatio > 0) items.push(`error=${config.errorRatio}`);
  if (config.latency !== null) items.push(`latency=${formatLatency(config.latency)}`);
  if (config.dbLatency !== null) items.push(`db=${formatLatency(config.dbLatency)}`);
  for (const [route, faults] of Object.entries(config.routes)) {
    if (faults.errorRatio !== undefined) items.push(`error@${route}=${faults.errorRatio}`);
    if (faults.latency !== undefined)
      items.push(`latency@${route}=${formatLatency(faults.latency)}`);
  }
  if (config.capacity !== null) {
    const { concurrency, serviceTimeMs, maxQueue } = config.capacity;
    items.push(`capacity=${concurrency}x${serviceTimeMs}ms`, `queue=${maxQueue}`);
  }
  if (items.length === 0) return "none";
  if (config.errorStatus !== 503) items.push(`status=${config.errorStatus}`);
  items.push(`seed=${config.seed}`);
  return items.join(",");
}

function formatLatency({ minMs, maxMs }: LatencyRange): string {
  return minMs === maxMs ? `${minMs}ms` : `${minMs}-${maxMs}ms`;
}

function fail(item: string, why: string): never {
  throw new TargetError("TARGET_BAD_FAULT_SPEC", `fault spec item "${item}": ${why}`);
}

function parseRatio(item: string, value: string): number {
  const percent = value.endsWith("%");
  const ratio = Number(percent ? value.slice(0, -1) : value) / (percent ? 100 : 1);
  if (value === "" || value === "%" || !Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    fail(item, "expected a ratio from 0 to 1 (0.02) or a percentage (2%)");
  }
  return ratio;
}

function parseInteger(item: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    fail(item, `expected a whole number from ${min} to ${max}`);
  }
  return n;
}

/** "150ms" → 150, "1.5s" → 1500; a bare number is refused so units are never guessed. */
function parseDurationMs(item: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(value.trim());
  if (match === null) fail(item, `"${value}" is not a duration; write e.g. 150ms or 1.5s`);
  const ms = Number(match[1]) * (match[2] === "s" ? 1000 : 1);
  if (ms > 600_000) fail(item, "a delay above 10 minutes is surely a typo");
  return ms;
}

function parseLatency(item: string, value: string): LatencyRange {
  const dash = value.indexOf("-");
  if (dash < 0) {
    const ms = parseDurationMs(item, value);
    return { minMs: ms, maxMs: ms };
  }
  const upper = value.slice(dash + 1);
  // "50-150ms": the unit written once after the upper bound applies to both.
  let lower = value.slice(0, dash);
  if (/^\d+(\.\d+)?$/.test(lower)) lower += /s$/.test(upper) && !/ms$/.test(upper) ? "s" : "ms";
  const minMs = parseDurationMs(item, lower);
  const maxMs = parseDurationMs(item, upper);
  if (minMs > maxMs) fail(item, "the lower bound of a latency range is above the upper one");
  return { minMs, maxMs };
}

function parseCapacity(item: string, value: string): CapacityLimit {
  const match = /^(\d+)x(.+)$/.exec(value);
  if (match === null) fail(item, "expected CONCURRENCYxDURATION, e.g. capacity=8x50ms");
  const concurrency = parseInteger(item, match[1] ?? "", 1, 100_000);
  const serviceTimeMs = parseDurationMs(item, match[2] ?? "");
  if (serviceTimeMs <= 0) fail(item, "the service time must be above 0 ms");
  return { concurrency, serviceTimeMs, maxQueue: DEFAULT_MAX_QUEUE };
}
