// Profiles the lab process itself through an in-process inspector session: V8's CPU sampler (its
// nodes carry line ticks, so a frame can name its hot line) and its sampling heap profiler (where
// the bytes were allocated, garbage included).
// The CPU profile runs from before the warm-up to the end, and the runner marks each measured
// window's edges: V8 names only code compiled while a profile runs, and under 0x a second profile
// does not see the code the first one did (lesson 3's optimized handler then reads as runMicrotasks).
// The runner keeps the samples inside the windows. The heap sampler runs window by window.
import { Session } from 'node:inspector/promises';

export type ProfileKind = 'cpu' | 'alloc';

/** V8's CPU profile (`Profiler.stop`), as Chrome DevTools saves it in a `.cpuprofile`. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: CallFrame;
    hitCount?: number;
    children?: number[];
    positionTicks?: Array<{ line: number; ticks: number }>;
  }>;
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** V8's sampling heap profile (`HeapProfiler.stopSampling`), as saved in a `.heapprofile`. */
export interface HeapProfile {
  head: HeapNode;
  samples: Array<{ size: number; nodeId: number; ordinal: number }>;
}

export interface HeapNode {
  callFrame: CallFrame;
  /** Bytes of the samples taken in this frame itself (an estimate of what it allocated). */
  selfSize: number;
  id: number;
  children: HeapNode[];
}

export interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based. */
  lineNumber: number;
  columnNumber: number;
}

export interface WindowProfiles {
  /** With the measured windows' edges, in the profile's clock (µs, as process.hrtime). */
  cpu: (CpuProfile & { windows: MeasuredWindow[] }) | null;
  heap: HeapProfile | null;
}

export interface MeasuredWindow {
  startUs: number;
  endUs: number;
}

/** Microseconds between CPU samples: V8's default, about what 0x and --cpu-prof use. */
const CPU_SAMPLING_US = 1000;
/**
 * Mean bytes between heap samples: V8's default. At 256 KiB a variant that allocates little (lesson
 * 3's no-clone, about 40 KB a request) got 4 to 137 samples in 2 s, too few to draw; at 32 KiB it
 * gets thousands. What sampling costs is in `npm run bench` (section profilers).
 */
export const HEAP_SAMPLING_BYTES = 32 * 1024;

export class WindowProfiler {
  #session: Session | null = null;
  #running: ProfileKind[] = [];
  #windows: MeasuredWindow[] = [];
  #openedAt: number | null = null;

  get running(): readonly ProfileKind[] {
    return this.#running;
  }

  /** Starts the profilers of `kinds` that are not running yet. */
  async start(kinds: readonly ProfileKind[]): Promise<void> {
    const fresh = kinds.filter((kind) => !this.#running.includes(kind));
    if (fresh.length === 0) return;
    const session = this.#session ?? new Session();
    if (!this.#session) {
      session.connect();
      this.#session = session;
    }
    if (fresh.includes('cpu')) {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: CPU_SAMPLING_US });
      await session.post('Profiler.start');
    }
    if (fresh.includes('alloc')) {
      await session.post('HeapProfiler.enable');
      // Garbage too: without these two, only objects still alive at the end are reported, and a
      // hot loop's copies (collected by the next minor GC) vanish from the profile.
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: HEAP_SAMPLING_BYTES,
        includeObjectsCollectedByMinorGC: true,
        includeObjectsCollectedByMajorGC: true,
      });
    }
    this.#running.push(...fresh);
  }

  /** Marks a measured window's start or end (a start without an end is ended by the next start). */
  mark(edge: 'open' | 'close'): void {
    const now = nowUs();
    if (this.#openedAt !== null) this.#windows.push({ startUs: this.#openedAt, endUs: now });
    this.#openedAt = edge === 'open' ? now : null;
  }

  /** Stops the profilers of `kinds` (those running) and hands over their profiles. */
  async stop(kinds: readonly ProfileKind[] = ['cpu', 'alloc']): Promise<WindowProfiles> {
    const session = this.#session;
    const stopping = this.#running.filter((kind) => kinds.includes(kind));
    this.#running = this.#running.filter((kind) => !stopping.includes(kind));
    const profiles: WindowProfiles = { cpu: null, heap: null };
    if (!session) return profiles;
    if (stopping.includes('cpu')) {
      if (this.#openedAt !== null) this.mark('close');
      const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
      profiles.cpu = { ...profile, windows: this.#windows };
      this.#windows = [];
    }
    if (stopping.includes('alloc')) profiles.heap = ((await session.post('HeapProfiler.stopSampling')) as { profile: HeapProfile }).profile;
    return profiles;
  }

  close(): void {
    this.#session?.disconnect();
    this.#session = null;
    this.#running = [];
  }
}

/** Microseconds on the clock V8's CPU profiles use (the monotonic one, as process.hrtime). */
function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
