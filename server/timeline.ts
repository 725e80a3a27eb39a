// A sampler of what a server is doing over a measured window, every TIMING.timelineSampleMs:
// requests in flight, requests waiting for the lock, and the mean wait of the grants in each
// interval. It is the off-CPU view of async code a CPU flame graph cannot give (waiting runs no
// code); the compare page charts it, and the console will stream it.
import type { LockWaitStats } from './lock-wait.js';

export interface TimelineSample {
  /** Milliseconds since the window opened. */
  tMs: number;
  inFlight: number;
  /** Requests waiting for the lock at the sample (null: this variant takes no lock). */
  lockQueue: number | null;
  /** Mean wait of the grants since the previous sample, ms (null: no lock, or no grant). */
  lockWaitMs: number | null;
}

export interface Timeline {
  intervalMs: number;
  samples: TimelineSample[];
}

/** At most this many samples per window (a minute at 100 ms): older ones are dropped. */
const MAX_SAMPLES = 600;

export class TimelineSampler {
  readonly #intervalMs: number;
  readonly #locks: LockWaitStats;
  readonly #inFlight: () => number;
  #samples: TimelineSample[] = [];
  #startedAt = performance.now();
  #last = { acquisitions: 0, totalWaitMs: 0 };
  #timer: NodeJS.Timeout | null = null;

  constructor(options: { intervalMs: number; locks: LockWaitStats; inFlight: () => number }) {
    this.#intervalMs = options.intervalMs;
    this.#locks = options.locks;
    this.#inFlight = options.inFlight;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.#sample(), this.#intervalMs).unref();
  }

  /** A new window: samples restart at t = 0. */
  reset(): void {
    this.#samples = [];
    this.#startedAt = performance.now();
    const lock = this.#locks.totals();
    this.#last = { acquisitions: lock.acquisitions, totalWaitMs: lock.totalWaitMs };
  }

  snapshot(): Timeline {
    return { intervalMs: this.#intervalMs, samples: [...this.#samples] };
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #sample(): void {
    const lock = this.#locks.totals();
    const used = this.#locks.used;
    const grants = lock.acquisitions - this.#last.acquisitions;
    const waited = lock.totalWaitMs - this.#last.totalWaitMs;
    this.#last = { acquisitions: lock.acquisitions, totalWaitMs: lock.totalWaitMs };
    this.#samples.push({
      tMs: Math.round(performance.now() - this.#startedAt),
      inFlight: this.#inFlight(),
      lockQueue: used ? lock.waiting : null,
      lockWaitMs: used && grants > 0 ? Math.round((waited / grants) * 100) / 100 : null,
    });
    if (this.#samples.length > MAX_SAMPLES) this.#samples.shift();
  }
}
