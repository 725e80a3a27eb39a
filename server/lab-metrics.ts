// The numbers behind /__lab/metrics: CPU, GC, event-loop delay, memory, requests, lock waits and
// work counters. Counters only grow (the runner subtracts two snapshots); histograms and memory
// peaks restart on reset().
import { PerformanceObserver, monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { TIMING } from '../core/defaults.js';
import { LockWaitStats, type LockWaitSnapshot } from './lock-wait.js';
import { TimelineSampler, type Timeline } from './timeline.js';
import { WorkCounters } from './work-counters.js';
import { KERNEL_READ_COUNTER } from '../core/lesson.js';
import { procReadBytes } from '../core/proc-stat.js';


export interface LabMetricsSnapshot {
  /** Whether GC and event-loop instrumentation is on (the bench turns it off to cost it). */
  instrumented: boolean;
  /** Processes these figures cover: 1, or a cluster's workers (their sums; see server/cluster-metrics.ts). */
  processes: number;
  /** Each process's pid and requests completed: one entry, or one per cluster worker. */
  perProcess: Array<{ pid: number; completed: number }>;
  uptimeMs: number;
  cpu: { userMs: number; systemMs: number };
  gc: { count: number; totalMs: number };
  /**
   * Bytes the JS heap allocated since the server started (what is in use now, plus what every GC
   * collected, from V8's own accounting through v8.GCProfiler); only grows. Buffers outside the
   * heap (file contents) are not in it. Null when not instrumented.
   */
  allocatedBytes: number | null;
  /** Event-loop delay since the last reset, ms. */
  eventLoopDelayMs: { mean: number; p50: number; p99: number; max: number } | null;
  heapUsedBytes: number;
  rssBytes: number;
  /** Highest values sampled since the last reset (null when not instrumented). */
  memoryPeak: { heapUsedBytes: number; rssBytes: number; arrayBuffersBytes: number } | null;
  requests: { completed: number; inFlight: number };
  lock: LockWaitSnapshot | null;
  counters: Record<string, number>;
  /** Sampled since the last reset (the window's start): in flight, lock queue and wait. */
  timeline: Timeline | null;
}

export class LabMetrics {
  readonly locks = new LockWaitStats();
  readonly counters = new WorkCounters();
  readonly instrumented: boolean;
  readonly #closed = new AbortController();
  #peak = { heapUsedBytes: 0, rssBytes: 0, arrayBuffersBytes: 0 };
  #memorySampler: NodeJS.Timeout | null = null;
  #completed = 0;
  #inFlight = 0;
  #gcCount = 0;
  #gcMs = 0;
  #gcObserver: PerformanceObserver | null = null;
  #gcProfiler: GCProfiler | null = null;
  #heapUsedAtStart = 0;
  #collectedBytes = 0;
  #loopDelay: IntervalHistogram | null = null;
  #timeline: TimelineSampler | null = null;

  constructor(options: { instrumented: boolean }) {
    this.instrumented = options.instrumented;
    if (options.instrumented) {
      this.#gcObserver = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          this.#gcCount += 1;
          this.#gcMs += entry.duration;
        }
      });
      this.#gcObserver.observe({ entryTypes: ['gc'] });
      this.#heapUsedAtStart = getHeapStatistics().used_heap_size;
      this.#gcProfiler = new GCProfiler();
      this.#gcProfiler.start();
      this.#loopDelay = monitorEventLoopDelay({ resolution: 10 });
      this.#loopDelay.enable();
      this.#memorySampler = setInterval(() => this.#sampleMemory(), TIMING.memorySampleMs).unref();
      this.#timeline = new TimelineSampler({ intervalMs: TIMING.timelineSampleMs, locks: this.locks, inFlight: () => this.#inFlight });
      this.#timeline.start();
    }
  }

  /** Aborted by close(): variants stop their timers on it. */
  get closed(): AbortSignal {
    return this.#closed.signal;
  }

  /**
   * Counts a lesson request from start to settle, so the runner can wait until none is left.
   * Site handlers settle when they are done and their response is closed.
   */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.#inFlight += 1;
    try {
      return await work();
    } finally {
      this.#inFlight -= 1;
      this.#completed += 1;
    }
  }

  snapshot(): LabMetricsSnapshot {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const delay = this.#loopDelay;
    return {
      instrumented: this.instrumented,
      processes: 1,
      perProcess: [{ pid: process.pid, completed: this.#completed }],
      uptimeMs: Math.round(process.uptime() * 1000),
      cpu: { userMs: cpu.user / 1000, systemMs: cpu.system / 1000 },
      gc: { count: this.#gcCount, totalMs: this.#gcMs },
      allocatedBytes: this.#allocatedBytes(),
      eventLoopDelayMs: delay
        ? {
            mean: nsToMs(delay.mean),
            p50: nsToMs(delay.percentile(50)),
            p99: nsToMs(delay.percentile(99)),
            max: nsToMs(delay.max),
          }
        : null,
      heapUsedBytes: memory.heapUsed,
      rssBytes: memory.rss,
      memoryPeak: this.instrumented ? this.#sampleMemory(memory) : null,
      requests: { completed: this.#completed, inFlight: this.#inFlight },
      lock: this.locks.used ? this.locks.snapshot() : null,
      counters: { ...this.counters.snapshot(), ...kernelCounters() },
      timeline: this.#timeline?.snapshot() ?? null,
    };
  }

  reset(): void {
    this.#loopDelay?.reset();
    this.locks.reset();
    this.#timeline?.reset();
    this.#peak = { heapUsedBytes: 0, rssBytes: 0, arrayBuffersBytes: 0 };
    if (this.instrumented) this.#sampleMemory();
  }

  close(): void {
    this.#gcObserver?.disconnect();
    this.#gcProfiler?.stop();
    this.#gcProfiler = null;
    this.#loopDelay?.disable();
    if (this.#memorySampler) clearInterval(this.#memorySampler);
    this.#timeline?.stop();
    this.#closed.abort();
  }

  /** Heap in use now, minus at start, plus all that GCs collected (read from a profiler restarted each time). */
  #allocatedBytes(): number | null {
    if (!this.#gcProfiler) return null;
    for (const gc of this.#gcProfiler.stop().statistics) {
      this.#collectedBytes += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize);
    }
    // A GC between stop() and start() (this loop and the new profiler allocate a little) would be
    // missed, undercounting by what it freed: rare, and repeated reads agree to 0.1% (lesson 3).
    this.#gcProfiler = new GCProfiler();
    this.#gcProfiler.start();
    return getHeapStatistics().used_heap_size - this.#heapUsedAtStart + this.#collectedBytes;
  }

  #sampleMemory(memory = process.memoryUsage()): { heapUsedBytes: number; rssBytes: number; arrayBuffersBytes: number } {
    const peak = this.#peak;
    peak.heapUsedBytes = Math.max(peak.heapUsedBytes, memory.heapUsed);
    peak.rssBytes = Math.max(peak.rssBytes, memory.rss);
    peak.arrayBuffersBytes = Math.max(peak.arrayBuffersBytes, memory.arrayBuffers);
    return { ...peak };
  }
}

function nsToMs(ns: number): number {
  return Number.isFinite(ns) ? ns / 1e6 : 0;
}

/**
 * Counters the kernel keeps for the process, beside the lesson's own: `readBytes`, what it read
 * from files and sockets. Lesson 5's exercise is judged by it, since a handler cannot skip it.
 */
function kernelCounters(): Record<string, number> {
  const readBytes = procReadBytes();
  return readBytes === null ? {} : { [KERNEL_READ_COUNTER]: readBytes };
}
