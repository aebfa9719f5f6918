import { performance } from "node:perf_hooks";
import type { CapacityLimit } from "./faults/spec.js";
import type { TimerSet } from "./timer-set.js";

/**
 * A bounded worker pool with timer-based work: a known, exact capacity to
 * test capacity searches against. A request holds one of `concurrency` slots
 * for `serviceTimeMs`; when all are busy it waits in FIFO order, and when
 * `maxQueue` are already waiting it is turned away.
 *
 * Work is timed against the slot's planned schedule, not against when the
 * previous timer actually fired: a late timer shortens the next sleep instead
 * of pushing every later request back, so under saturation the pool completes
 * concurrency / serviceTimeMs requests per millisecond, however busy the machine.
 */
export class CapacityPool {
  private busy = 0;
  /** Each waiter is handed the time its slot was planned to come free. */
  private readonly waiting: ((slotFreeMs: number) => void)[] = [];
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
    const arrivedMs = performance.now();
    let startMs = arrivedMs;
    if (this.busy < this.limit.concurrency) {
      this.busy++;
    } else {
      if (this.queued >= this.limit.maxQueue) return false;
      // The releasing request hands its slot straight over, so `busy` stays put.
      const slotFreeMs = await new Promise<number>((resolve) => this.waiting.push(resolve));
      startMs = Math.max(arrivedMs, slotFreeMs);
    }
    const endMs = startMs + this.limit.serviceTimeMs;
    await this.timers.sleep(Math.max(0, endMs - performance.now()));
    this.release(endMs);
    return true;
  }

  private release(slotFreeMs: number): void {
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
    next(slotFreeMs);
  }
}

function noop(_slotFreeMs: number): void {}
