// Lock-wait instrumentation: how long requests queued for a lock, and how deep the queue got.
// A CPU profile cannot show this time (the waiters are idle), so the lab measures it directly.
import { createHistogram } from 'node:perf_hooks';

export interface LockWaitSnapshot {
  /** Locks granted since the last reset. */
  acquisitions: number;
  /** Sum of all waits, ms. */
  totalWaitMs: number;
  /** 99th percentile of one wait, ms. */
  p99Ms: number;
  /** Most requests waiting for the lock at once. */
  maxQueue: number;
}

export class LockWaitStats {
  #acquisitions = 0;
  #totalWaitNs = 0;
  #waiting = 0;
  #maxQueue = 0;
  /** Since the start, never reset: the timeline reads differences of these. */
  #lifetime = { acquisitions: 0, totalWaitNs: 0 };
  // Microsecond resolution: a 5 s wait is 5e6, well inside the histogram's range.
  #waitUs = createHistogram();

  /** Whether any lock was ever acquired through this instance (null stats otherwise). */
  get used(): boolean {
    return this.#acquisitions > 0 || this.#waiting > 0;
  }

  /** Runs `acquire`, timing how long it takes to be granted. */
  async timed<T>(acquire: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    this.#waiting += 1;
    this.#maxQueue = Math.max(this.#maxQueue, this.#waiting);
    try {
      return await acquire();
    } finally {
      this.#waiting -= 1;
      const waitedNs = Number(process.hrtime.bigint() - start);
      this.#acquisitions += 1;
      this.#totalWaitNs += waitedNs;
      this.#lifetime.acquisitions += 1;
      this.#lifetime.totalWaitNs += waitedNs;
      this.#waitUs.record(Math.max(1, Math.round(waitedNs / 1000)));
    }
  }

  snapshot(): LockWaitSnapshot {
    return {
      acquisitions: this.#acquisitions,
      totalWaitMs: this.#totalWaitNs / 1e6,
      p99Ms: this.#acquisitions > 0 ? this.#waitUs.percentile(99) / 1000 : 0,
      maxQueue: this.#maxQueue,
    };
  }

  /** Grants and waits since the start (not reset), and how many wait now. */
  totals(): { acquisitions: number; totalWaitMs: number; waiting: number } {
    return { acquisitions: this.#lifetime.acquisitions, totalWaitMs: this.#lifetime.totalWaitNs / 1e6, waiting: this.#waiting };
  }

  /** Starts a new measurement window; requests still waiting keep counting in the queue. */
  reset(): void {
    this.#acquisitions = 0;
    this.#totalWaitNs = 0;
    this.#maxQueue = this.#waiting;
    this.#waitUs.reset();
  }
}
