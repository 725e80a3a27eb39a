// What a lesson's theory and verdict read and return: the points a run plans and measures, and
// the judgement of a measurement against the lesson's theory.
import type { JudgedCheck } from './checks.js';
import type { Params } from './params.js';

/** One measured point of a run: a variant at a connection count. */
export interface PlannedPoint {
  /** Name shown in the table and the record, e.g. `held-mutex` or `sleep@10`. */
  label: string;
  /** Which variant serves this point. */
  variant: string;
  connections: number;
  /**
   * Site lessons: send `If-None-Match` with the ETag each path answered before the load, like a
   * browser with a warm cache. Off: every request is a cold fetch.
   */
  revalidate?: boolean;
}

/** The figures of one round of a point (or, for the point itself, their medians). */
export interface RoundFigures {
  /**
   * Completed answers per measured second: 2xx, and for site lessons also 3xx (a redirect or a
   * 304 Not Modified is the right answer there).
   */
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  cpuMsPerRequest: number | null;
  gcMsPerRequest: number | null;
  /**
   * JS heap bytes allocated per completed request over the measured window (V8's GC accounting,
   * see /__lab/metrics `allocatedBytes`); buffers outside the heap are not counted. Null when
   * not instrumented.
   */
  allocBytesPerRequest: number | null;
  lockWait: { acquisitions: number; p99Ms: number; maxQueue: number } | null;
  /** Response bytes per second (autocannon: headers included; wrk and Locust: bodies only). */
  bytesPerSec: number;
  /**
   * The server's work counters over the measured window divided by the responses the server
   * completed in it (`SiteSpec.counters`), e.g. `{ upstreamFetches: 1, bytesHashed: 157286 }`.
   */
  workPerRequest: Record<string, number>;
  /** Memory peaks (MiB) sampled by the server while measured, or null without instrumentation. */
  memory: MemoryPeaks | null;
  /** The server's CPU while measured, % of one core (its GC and I/O threads count too: over 100% is possible). */
  serverCpuPct: number;
  /** The load generator's CPU while measured, % of one core (Locust: its busiest process). */
  generatorCpuPct: number;
  /**
   * How late the server's event loop ran a timer while measured, ms (a cluster: its worst worker's
   * p99 and max, the workers' mean); null without instrumentation, or in a record made before it.
   */
  eventLoopDelayMs?: { mean: number; p99: number; max: number } | null;
  /**
   * The whole machine over the window, % of one core summed over its cores (/proc/stat): `busy`
   * is every process's CPU (the server's and the generator's among them), `steal` what the
   * hypervisor gave other guests. Null off Linux, or in a record made before it was measured.
   */
  machineCpuPct?: { busy: number; steal: number } | null;
  /** Processes that served: 1, or a cluster's workers (absent in records made before clusters). */
  processes?: number;
  /**
   * A cluster's round: each worker's share of the requests completed in it, by pid (a cluster
   * hands out connections, not requests, so a worker can get more than its part); else null.
   */
  processShares?: number[] | null;
}

/**
 * The figures measured for one point: what a verdict judges, and what the run record keeps. The
 * top-level figures are medians over its rounds (memory peaks: the highest; lock-wait
 * acquisitions: the sum), `rounds` keeps each round, in the order they ran.
 */
export interface PointFigures extends RoundFigures {
  rounds: RoundFigures[];
  /** The lowest and highest req/s of its rounds. */
  spread: { rpsMin: number; rpsMax: number };
}

/** What the runner measured for one point; the input of a lesson's verdict. */
export interface MeasuredPoint extends PlannedPoint, PointFigures {}

/** Peaks sampled by the server during the measured load, in MiB (2^20 bytes, as `top` counts). */
export interface MemoryPeaks {
  heapUsedMb: number;
  rssMb: number;
  /** Buffers and other ArrayBuffers outside the JS heap: where whole-file reads land. */
  arrayBuffersMb: number;
}

export interface TheoryInput {
  params: Params;
  /** Connections the learner asked for (points may use fewer, see `Lesson.plan`). */
  connections: number;
  /**
   * What each simulated user waits between requests, ms: 0 for closed loops (autocannon,
   * Locust's fast model), 500 for Locust's story model. Little's law adds it to the latency.
   */
  thinkTimeMs: number;
  /** Cores this machine gives processes (os.availableParallelism()); the runner always says. */
  cores?: number;
}

export interface Theory {
  /** The prediction in one sentence, printed before the run. */
  headline: string;
  /** Worst latency the theory predicts, in ms: the driver's timeout is at least twice this. */
  worstLatencyMs: number;
}

/** The trivial route at the same connections: the most the server answers when there is nothing to do. */
export interface CeilingFigures {
  /** Median req/s over its rounds. */
  rps: number;
  /** Req/s of each round, paired by index with the variants' rounds. */
  roundRps: number[];
  /**
   * `server` when the server was the busier side; `generator` when the load generator was:
   * then the ceiling is only a lower bound on what the server can do.
   */
  setBy: 'server' | 'generator';
}

export interface VerdictInput extends TheoryInput {
  /** The trivial route at the same connections, or null if not measured. */
  ceiling: CeilingFigures | null;
  points: readonly MeasuredPoint[];
}

export interface Verdict {
  /** The numbers theory predicts, by name; recorded as `comparison.expected`. */
  expected: Record<string, number | string | null>;
  /** What was held to theory; the run's verdict follows from them (`overallOutcome`). */
  checks: JudgedCheck[];
  /** Plain sentences: how each measurement compares, and what it teaches. */
  notes: string[];
}
