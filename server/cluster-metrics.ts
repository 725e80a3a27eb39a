// A cluster's /__lab/metrics: its workers' snapshots summed into one, as if one process had done
// all the work (CPU, GC, bytes, requests, counters add up), plus the primary's own CPU (it accepts
// every connection and hands it to a worker). Event-loop delay does not add up: each worker has
// its own loop, so the snapshot keeps the worst worker's p99 and max and the workers' mean.
import type { LabMetricsSnapshot } from './lab-metrics.js';
import type { Timeline } from './timeline.js';

export function mergeSnapshots(workers: readonly LabMetricsSnapshot[], primary: { uptimeMs: number; cpu: LabMetricsSnapshot['cpu'] }): LabMetricsSnapshot {
  if (workers.length === 0) throw new Error('a cluster snapshot needs at least one worker');
  const sum = (pick: (s: LabMetricsSnapshot) => number): number => workers.reduce((total, s) => total + pick(s), 0);
  const all = <T>(pick: (s: LabMetricsSnapshot) => T | null): T[] | null => {
    const values = workers.map(pick);
    return values.every((v) => v !== null) ? (values as T[]) : null;
  };
  const delays = all((s) => s.eventLoopDelayMs);
  const peaks = all((s) => s.memoryPeak);
  const allocated = all((s) => s.allocatedBytes);
  const locks = workers.map((s) => s.lock).filter((l) => l !== null);
  const counterNames = [...new Set(workers.flatMap((s) => Object.keys(s.counters)))];
  return {
    instrumented: workers.every((s) => s.instrumented),
    processes: sum((s) => s.processes),
    perProcess: workers.flatMap((s) => s.perProcess).sort((a, b) => a.pid - b.pid),
    uptimeMs: primary.uptimeMs,
    cpu: { userMs: primary.cpu.userMs + sum((s) => s.cpu.userMs), systemMs: primary.cpu.systemMs + sum((s) => s.cpu.systemMs) },
    gc: { count: sum((s) => s.gc.count), totalMs: sum((s) => s.gc.totalMs) },
    allocatedBytes: allocated ? allocated.reduce((a, b) => a + b, 0) : null,
    eventLoopDelayMs: delays
      ? {
          mean: delays.reduce((total, d) => total + d.mean, 0) / delays.length,
          p50: Math.max(...delays.map((d) => d.p50)),
          p99: Math.max(...delays.map((d) => d.p99)),
          max: Math.max(...delays.map((d) => d.max)),
        }
      : null,
    heapUsedBytes: sum((s) => s.heapUsedBytes),
    rssBytes: sum((s) => s.rssBytes),
    // Each worker's own peak, summed: at most what the cluster held at once.
    memoryPeak: peaks
      ? {
          heapUsedBytes: peaks.reduce((t, p) => t + p.heapUsedBytes, 0),
          rssBytes: peaks.reduce((t, p) => t + p.rssBytes, 0),
          arrayBuffersBytes: peaks.reduce((t, p) => t + p.arrayBuffersBytes, 0),
        }
      : null,
    requests: { completed: sum((s) => s.requests.completed), inFlight: sum((s) => s.requests.inFlight) },
    // Each worker has its own locks (nothing is shared): their waits, taken together.
    lock: locks.length === 0 ? null : {
      acquisitions: locks.reduce((t, l) => t + l.acquisitions, 0),
      totalWaitMs: locks.reduce((t, l) => t + l.totalWaitMs, 0),
      p99Ms: Math.max(...locks.map((l) => l.p99Ms)),
      maxQueue: Math.max(...locks.map((l) => l.maxQueue)),
    },
    counters: Object.fromEntries(counterNames.map((name) => [name, sum((s) => s.counters[name] ?? 0)])),
    timeline: mergeTimelines(workers.map((s) => s.timeline)),
  };
}

/** Workers sample on their own clocks: sample i of each is taken together (in flight adds up). */
function mergeTimelines(timelines: ReadonlyArray<Timeline | null>): Timeline | null {
  if (timelines.some((t) => t === null)) return null;
  const present = timelines as Timeline[];
  const length = Math.min(...present.map((t) => t.samples.length));
  const samples = Array.from({ length }, (_, i) => {
    const at = present.map((t) => t.samples[i]!);
    const queues = at.map((s) => s.lockQueue).filter((q) => q !== null);
    const waits = at.map((s) => s.lockWaitMs).filter((w) => w !== null);
    return {
      tMs: at[0]!.tMs,
      inFlight: at.reduce((t, s) => t + s.inFlight, 0),
      lockQueue: queues.length === 0 ? null : queues.reduce((t, q) => t + q, 0),
      lockWaitMs: waits.length === 0 ? null : Math.max(...waits),
    };
  });
  return { intervalMs: present[0]!.intervalMs, samples };
}
