import type { TimelineBucketData } from "./evidence.js";
import { createHistogram } from "./histogram.js";

/** At most this many buckets: a chart's worth, whatever the run's length. */
export const MAX_TIMELINE_BUCKETS = 240;
const FIRST_BUCKET_MS = 1000;

/**
 * Time buckets that start at 1 s and double in width whenever the run would
 * need more than MAX_TIMELINE_BUCKETS. Buckets are aligned to multiples of
 * their width since the Unix epoch, so doubling merges pairs exactly and
 * points may arrive in any order (several files, k6's flush order).
 */
export class TimelineBuckets {
  private bucketMs = FIRST_BUCKET_MS;
  private buckets = new Map<number, TimelineBucketData>();
  private minIndex = Number.POSITIVE_INFINITY;
  private maxIndex = Number.NEGATIVE_INFINITY;

  /** The bucket a point at `timeMs` belongs to (created on demand). */
  bucketAt(timeMs: number): TimelineBucketData {
    let index = Math.floor(timeMs / this.bucketMs);
    let bucket = this.buckets.get(index);
    if (bucket) return bucket;
    while (
      Math.max(this.maxIndex, index) - Math.min(this.minIndex, index) + 1 >
      MAX_TIMELINE_BUCKETS
    ) {
      this.coarsen();
      index = Math.floor(timeMs / this.bucketMs);
    }
    bucket = this.buckets.get(index);
    if (bucket) return bucket;
    bucket = {
      startMs: index * this.bucketMs,
      requests: 0,
      failed: 0,
      durations: createHistogram(),
    };
    this.buckets.set(index, bucket);
    if (index < this.minIndex) this.minIndex = index;
    if (index > this.maxIndex) this.maxIndex = index;
    return bucket;
  }

  private coarsen(): void {
    this.bucketMs *= 2;
    const merged = new Map<number, TimelineBucketData>();
    for (const [index, bucket] of this.buckets) {
      const wide = Math.floor(index / 2);
      const into = merged.get(wide);
      if (into) {
        into.requests += bucket.requests;
        into.failed += bucket.failed;
        into.durations.add(bucket.durations);
      } else {
        merged.set(wide, { ...bucket, startMs: wide * this.bucketMs });
      }
    }
    this.buckets = merged;
    this.minIndex = Math.floor(this.minIndex / 2);
    this.maxIndex = Math.floor(this.maxIndex / 2);
  }

  get bucketSeconds(): number {
    return this.bucketMs / 1000;
  }

  /** Buckets in time order, including empty ones between the first and the last. */
  list(): TimelineBucketData[] {
    const result: TimelineBucketData[] = [];
    if (this.buckets.size === 0) return result;
    for (let index = this.minIndex; index <= this.maxIndex; index++) {
      result.push(
        this.buckets.get(index) ?? {
          startMs: index * this.bucketMs,
          requests: 0,
          failed: 0,
          durations: createHistogram(),
        },
      );
    }
    return result;
  }
}
