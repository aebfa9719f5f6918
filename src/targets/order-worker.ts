import { performance } from "node:perf_hooks";
import type { TargetStorage } from "./storage/storage.js";

interface Job {
  orderId: string;
  dueMs: number;
}

/** Orders paid per tick, so that a backlog is worked off without one huge burst of queries. */
const BATCH_SIZE = 256;

/**
 * The asynchronous payment step of the orders example: each created order is
 * queued and, `processingDelayMs` later, marked PAID through the storage
 * (so the update shows in db_query_duration_seconds like any query). The
 * delay is fixed, so jobs fall due in the order they were queued.
 */
export class OrderWorker {
  private readonly jobs: Job[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly storage: TargetStorage,
    readonly processingDelayMs: number,
  ) {}

  /** Orders queued and not yet paid. */
  get pending(): number {
    return this.jobs.length - this.head;
  }

  enqueue(orderId: string): void {
    if (this.closed) return;
    this.jobs.push({ orderId, dueMs: performance.now() + this.processingDelayMs });
    if (this.timer === null && this.running === null) this.schedule();
  }

  /** Stops the timer and waits for the batch in flight, so storage can close after. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(): void {
    const next = this.jobs[this.head];
    if (next === undefined || this.closed) return;
    const waitMs = Math.max(0, next.dueMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.runDue().finally(() => {
        this.running = null;
        this.schedule();
      });
    }, waitMs);
  }

  private async runDue(): Promise<void> {
    const now = performance.now();
    const due: Job[] = [];
    while (due.length < BATCH_SIZE) {
      const job = this.jobs[this.head];
      if (job === undefined || job.dueMs > now) break;
      due.push(job);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 >= this.jobs.length) {
      this.jobs.splice(0, this.head);
      this.head = 0;
    }
    const paidAt = new Date().toISOString();
    const results = await Promise.allSettled(
      due.map((job) => this.storage.markOrderPaid(job.orderId, paidAt)),
    );
    // A failed update is retried a delay later, as a queue would redeliver it.
    results.forEach((result, i) => {
      const job = due[i];
      if (result.status === "rejected" && job !== undefined && !this.closed) {
        this.jobs.push({ orderId: job.orderId, dueMs: performance.now() + this.processingDelayMs });
      }
    });
  }
}
