// What the /__lab routes do, apart from HTTP: read and reset the metrics, open and close a measured
// window, run the in-process profilers. One process answers for itself (localLabControl); a
// cluster worker answers for the whole cluster by asking its primary (server/cluster.ts).
import type { LabMetrics, LabMetricsSnapshot } from './lab-metrics.js';
import type { HeapProfile, ProfileKind, WindowProfiler, WindowProfiles } from './window-profiler.js';

export interface WindowOpened {
  snapshot: LabMetricsSnapshot;
  /** A profiler that failed to start (the counters are what the verdict needs; it goes on). */
  profileError: string | null;
}

export interface WindowClosed {
  snapshot: LabMetricsSnapshot;
  /** The variant's own function, named in profiles. */
  handler: string;
  heap: HeapProfile | null;
  profileError: string | null;
}

export interface LabControl {
  metrics(): Promise<LabMetricsSnapshot>;
  reset(): Promise<void>;
  openWindow(kinds: readonly ProfileKind[]): Promise<WindowOpened>;
  /** The counters first, then the window's end marked and, with `stopAlloc`, the heap profile. */
  closeWindow(stopAlloc: boolean): Promise<WindowClosed>;
  startProfiles(kinds: readonly ProfileKind[]): Promise<void>;
  stopProfiles(kinds: readonly ProfileKind[]): Promise<WindowProfiles & { handler: string }>;
}

/** A refusal the routes answer with 400 (e.g. profiles asked of a cluster). */
export class LabRequestError extends Error {}

/** The lab operations of this one process. `handler()`: the variant function's name, once built. */
export function localLabControl(metrics: LabMetrics, profiler: WindowProfiler, handler: () => string): LabControl {
  return {
    metrics: async () => metrics.snapshot(),
    reset: async () => metrics.reset(),
    async openWindow(kinds) {
      let profileError: string | null = null;
      try {
        await profiler.start(kinds);
        if (kinds.length > 0) profiler.mark('open');
      } catch (error) {
        profileError = (error as Error).message;
      }
      metrics.reset();
      return { snapshot: metrics.snapshot(), profileError };
    },
    async closeWindow(stopAlloc) {
      const snapshot = metrics.snapshot(); // first: what stopping a profiler allocates is not the window's
      let profileError: string | null = null;
      let heap: HeapProfile | null = null;
      try {
        if (profiler.running.includes('cpu')) profiler.mark('close');
        if (stopAlloc) heap = (await profiler.stop(['alloc'])).heap;
      } catch (error) {
        profileError = (error as Error).message;
      }
      return { snapshot, handler: handler(), heap, profileError };
    },
    startProfiles: (kinds) => profiler.start(kinds),
    stopProfiles: async (kinds) => ({ handler: handler(), ...(await profiler.stop(kinds)) }),
  };
}
