import { performance } from "node:perf_hooks";

/** A token bucket per user: `burst` requests at once, refilled at `ratePerSecond`. */
export interface RateLimitOptions {
  ratePerSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Bounds memory when every request carries a new user id. */
const MAX_BUCKETS = 100_000;

/** Gateway-style per-user limiter keyed by the X-User-Id header value. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly options: RateLimitOptions,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** 0 when the request may pass; otherwise whole seconds until a token is back (≥ 1). */
  take(key: string): number {
    const { ratePerSecond, burst } = this.options;
    const now = this.nowMs();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.evict(now);
      bucket = { tokens: burst, updatedMs: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(
        burst,
        bucket.tokens + ((now - bucket.updatedMs) / 1000) * ratePerSecond,
      );
      bucket.updatedMs = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond));
  }

  /** Forgets buckets that have refilled (a new bucket starts full anyway), else the oldest half. */
  private evict(now: number): void {
    const { ratePerSecond, burst } = this.options;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updatedMs) / 1000) * ratePerSecond >= burst) {
        this.buckets.delete(key);
      }
    }
    let excess = this.buckets.size - MAX_BUCKETS / 2;
    for (const key of this.buckets.keys()) {
      if (excess-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}
