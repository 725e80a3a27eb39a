// The run record (a contract that tools, tests and the README rely on: adding a field keeps
// SCHEMA_VERSION, renaming or removing one bumps it), and writing it so no reader sees half a file.
import type { ExerciseRecordInfo } from './exercise-lesson.js';
import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import type { Params } from '../core/params.js';
import type { Outcome } from '../core/checks.js';
import type { PointFigures, RoundFigures } from '../core/verdict.js';
import type { DriverName, ProfileChoice, RunOptions } from '../core/run-options.js';
import type { Timeline } from '../server/timeline.js';
import type { ProfilerName } from './server-process.js';
import type { TopFrame } from './top-frames.js';

export const SCHEMA_VERSION = 1;

/** One measured round of a point, as the record keeps it. */
export interface RoundRecord extends RoundFigures {
  /** Measured seconds of this round (its ramp not included). */
  durationSec: number;
  /** Seconds its ramp took: at least TIMING.rampSec, longer until every connection was open (null: the driver does not say). */
  rampSec: number | null;
  /** Responses received, any status. */
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  generatorWarnings: string[];
  /** Whether the server had no request in flight when the round began. */
  drained: boolean;
  /** The server's timeline over the window (in flight, lock queue, lock wait); null when not instrumented. */
  timeline?: Timeline | null;
}

export interface VariantRecord extends PointFigures {
  /** The point's label: the variant name, or `variant@connections` in lesson 1. */
  name: string;
  /** The variant that served it. */
  variant: string;
  /** URL path with query; for a site lesson, the variant's mount point (see `mix`). */
  path: string;
  /**
   * Site lessons: how many site paths the load cycled through, and whether it revalidated: sent
   * If-None-Match on every path that had an ETag (short links have none).
   */
  mix: { paths: number; ifNoneMatch: boolean } | null;
  connections: number;
  /** Each round, in the order they ran; the figures above are their medians (see PointFigures). */
  rounds: RoundRecord[];
  /** Responses received, any status, summed over rounds (as are errors, timeouts and non2xx). */
  requests: number;
  errors: number;
  timeouts: number;
  /** Answers that were not completed answers (see `rps`): 4xx, 5xx, and 3xx outside site lessons. */
  non2xx: number;
  /** The server's CPU while measured, % of one core: the median over rounds. */
  serverCpuPct: number;
  /** The load generator's CPU, % of one core (Locust: its busiest process): the highest round's. */
  generatorCpuPct: number;
  /** What the load generator itself warned about (e.g. Locust's high-CPU warning). */
  generatorWarnings: string[];
  profiler: ProfilerName | null;
  /** Path relative to the project root, or null. */
  flamegraph: string | null;
  /** The allocation pass's `.heapprofile` (Chrome DevTools, speedscope), relative to the project root, or null. */
  allocProfile?: string | null;
  topFrames: TopFrame[];
  /** Where the top frames come from: V8's sampler over the measured windows, 0x's graph, or --cpu-prof. */
  topFramesFrom?: 'windows' | '0x' | 'cpu-prof' | null;
  /** The allocation pass's own count (GC-measured bytes per request): the pass must allocate as the rounds did. */
  allocPass?: { requests: number; allocBytesPerRequest: number | null } | null;
  /**
   * The frames that allocated the most (sampled bytes in the frame itself, summed by name, and
   * their share of all sampled bytes), from the allocation pass; null when not profiled.
   */
  allocFrames: Array<{ name: string; bytes: number; pct: number }> | null;
  /** Other reports, e.g. `{ "clinic-doctor": "results/…/x.html" }`. */
  reports: Record<string, string>;
  /** Whether the server had no request in flight before each round. */
  drained: boolean;
}

export interface RunRecord {
  schemaVersion: number;
  /**
   * `complete`; `aborted` when Ctrl+C stopped the run; `failed` when a server or the load
   * generator failed part-way (the notes say how). Only complete runs are ever judged as agreeing.
   */
  status: 'complete' | 'aborted' | 'failed';
  lesson: { id: number; slug: string; title: string };
  runId: string;
  startedAt: string;
  finishedAt: string;
  driver: DriverName;
  machine: { cpus: number; node: string; platform: string };
  options: {
    duration: number;
    warmup: number;
    connections: number;
    quick: boolean;
    driver: DriverName;
    /** How the driver was chosen (RunOptions.driverChoice); records before wrk lack it. */
    driverChosenBy?: RunOptions['driverChoice']['by'];
    /** What was profiled (`--profile`); records before it have only `flamegraph`. */
    profile?: ProfileChoice;
    /** Whether CPU was profiled (0x and V8's sampler). */
    flamegraph: boolean;
    clinic: string | null;
    /** Locust workers (0: standalone or not Locust). */
    locustWorkers: number;
    /** Locust's user model, or null for other drivers. */
    locustUser: string | null;
    /** Rounds per point (interleaved: every point's round 1, then every point's round 2, …). */
    rounds: number;
  };
  params: Params;
  /** Point names in the order they ran. */
  order: string[];
  /**
   * The trivial route at the same connections, when the lesson measures it: median req/s, the
   * spread and each round's, and which side was the busier there (`generator`: a lower bound).
   */
  ceiling: {
    /** The point measured as the ceiling: `ceiling`, or a variant's point (lesson 1's `trivial@1000`). */
    point: string;
    rps: number;
    connections: number;
    setBy: 'server' | 'generator';
    spread: { rpsMin: number; rpsMax: number };
    roundRps: number[];
    serverCpuPct: number;
    generatorCpuPct: number;
  } | null;
  variants: VariantRecord[];
  comparison: {
    /**
     * Best variant's rps over the baseline's (variants[0]), among points under the baseline's own
     * load (lesson 5's @warm points are not); null for calibration lessons.
     */
    speedup: number | null;
    expected: Record<string, number | string | null>;
    /**
     * The measurement against theory (see core/checks.ts): what the exit code says. A run that
     * is invalid (`valid: false`) or did not complete is `disagrees`.
     */
    verdict: Outcome;
    /** True only when the verdict is `agrees` and the run is valid and complete. */
    agreesWithTheory: boolean;
    valid: boolean;
    notes: string[];
    /** The verdict line's figure when one speedup would not tell the truth (Lesson.headline); absent: `speedup Nx`. */
    headline?: string;
  };
  /** The gallery page that shows this run's graphs side by side, relative to the project root. */
  compareFlamegraphs: string | null;
  /** Each differential view's `.diff.folded` (`<stack> <baseline> <subject>`), relative to the project root. */
  diffs?: Array<{ kind: 'cpu' | 'alloc'; subject: string; baseline: string; file: string }>;
  /**
   * Present on an exercise check's run (`--exercise`): the learner's file, the reference it is
   * shown against, the figure and threshold that decide. `comparison.verdict` is its outcome.
   */
  exercise?: ExerciseRecordInfo;
}

/** Writes `file` via a temp file and a rename, so a crash leaves the old file or the new, never half. */
export async function writeFileAtomic(file: string, contents: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  await writeFile(temp, contents);
  await rename(temp, file);
}

export async function writeRunRecord(file: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
}
