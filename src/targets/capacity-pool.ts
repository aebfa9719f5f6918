import type { CapacityLimit } from "./fault-spec.js";
import type { TimerSet } from "./timer-set.js";

/**
 * A bounded worker pool with timer-based work: a known, exact capacity to
 * test capacity searches against. A request holds one of `concurrency` slots
 * for `serviceTimeMs`; when all are busy it waits in FIFO order, and when
 * `maxQueue` are already waiting it is turned away.
 */
export class CapacityPool {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];
  private head = 0;

  constructor(
    readonly limit: CapacityLimit,
    private readonly timers: TimerSet,
  ) {}

  /** Requests currently waiting for a slot. */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  /** True once the work is done; false when the queue was full. */
  async work(): Promise<boolean> {
    if (this.busy < this.limit.concurrency) {
      this.busy++;
    } else {
      if (this.queued >= this.limit.maxQueue) return false;
      // The releasing request hands its slot straight over, so `busy` stays put.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    await this.timers.sleep(this.limit.serviceTimeMs);
    this.release();
    return true;
  }

  private release(): void {
    const next = this.waiting[this.head];
    if (next === undefined) {
      this.busy--;
      return;
    }
    this.waiting[this.head] = noop;
    this.head++;
    // Drop the consumed prefix now and then instead of shift()ing every time.
    if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    next();
  }
}

function noop(): void {}
