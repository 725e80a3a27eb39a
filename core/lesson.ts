// The lesson contract: what a lesson is (data, variants, theory, verdict) and what the lab hands
// its variants. The runner, the server and the tests all read it; a lesson folder exports one
// `Lesson`, and nothing in it knows how a run is driven.
import type { RequestHandler } from 'express';
import type { ParamSpec, Params } from './params.js';
import type { ProfileChoice } from './run-options.js';
import type { MeasuredPoint, PlannedPoint, Theory, TheoryInput, Verdict, VerdictInput } from './verdict.js';

export type { ParamSpec, Params } from './params.js';
export type { CeilingFigures, MeasuredPoint, MemoryPeaks, PlannedPoint, RoundFigures, Theory, TheoryInput, Verdict, VerdictInput } from './verdict.js';

/** Times a lock acquisition so /__lab/metrics can report lock waits (the server's LockWaitStats). */
export interface LockTimer {
  timed<T>(acquire: () => Promise<T>): Promise<T>;
}

/** Counts work a request did, e.g. `upstreamFetches` or `bytesHashed` (the server's WorkCounters). */
export interface WorkCounter {
  add(name: string, amount?: number): void;
}

/**
 * A lesson's database as the runner prepared it (lesson 8, `--db`): an SQLite file made on first
 * use, or a throwaway PostgreSQL cluster's URL.
 */
export type DbSpec = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** What the lab hands to a variant when it builds its handler. */
export interface LabContext {
  /** Wrap every lock acquisition in `locks.timed(...)` so /__lab/metrics can report lock waits. */
  locks: LockTimer;
  /** Count work a request did (upstream fetches, bytes hashed): the runner reports it per request. */
  counters: WorkCounter;
  /** Lesson parameters fixed when the server started (site lessons; JSON lessons read the query). */
  params: Params;
  /** The folder of generated site files (site lessons). */
  siteDir: string;
  /** Base URL of the redirect-map upstream, when the lesson has one. */
  upstreamUrl: string | null;
  /** Aborted when the app closes: stop timers and background work. */
  closed: AbortSignal;
  /** The lesson's database, when it has one (`Lesson.database`); else null. */
  db: DbSpec | null;
}

/** Computes one answer; the server sends it as JSON. Must not depend on timing. */
export type VariantHandler = (params: Params) => Promise<unknown>;

/** Builds a variant's handler and its private state (its own lock, its own client map). */
export type VariantFactory = (lab: LabContext) => VariantHandler;

/**
 * Builds a site variant: an Express handler mounted at `/lessons/<id>/<variant>/`, answering for
 * the whole site (files, redirects, 304s). It calls `next()` for a path it has no file for, so
 * every variant's 404 is the lab's own.
 */
export type SiteVariantFactory = (lab: LabContext) => RequestHandler;

interface VariantBase {
  /** Kebab-case name, also the last URL segment: `/lessons/2/held-mutex`. */
  name: string;
  /** One line saying what this variant does differently. */
  summary: string;
  /**
   * Served by a node:cluster of one worker process per core, each building its own handler from
   * the factory (its own state, nothing shared): the story-003 server's shape. Default: one process.
   */
  cluster?: boolean;
}

/** A variant that computes one JSON answer per request from the query parameters. */
export interface JsonVariant extends VariantBase {
  create: VariantFactory;
  serve?: never;
}

/** A variant that serves a site: files from the lab's generated folder, and redirects. */
export interface SiteVariant extends VariantBase {
  serve: SiteVariantFactory;
  create?: never;
}

/** One implementation of the lesson's endpoint. */
export type Variant = JsonVariant | SiteVariant;

/** What a site lesson serves and how the load walks it (lessons 4 and 5). */
export interface SiteSpec {
  /** Site paths (`/img/photo-01.jpg`, `/gh`) the load cycles through, in order, per connection. */
  mix: (params: Params) => string[];
  /** Run the redirect-map upstream for this lesson, its latency taken from this parameter. */
  upstream?: { latencyParam: string };
  /** Per-request work counters to show in the table, e.g. upstream fetches or bytes hashed. */
  counters: { name: string; title: string; scale?: number; decimals: number }[];
}

/** Default load for a lesson; flags override each value. */
export interface LoadProfile {
  connections: number;
  /** Measured seconds per point, in total over its rounds. */
  duration: number;
  /** Rounds per point (default RUN_DEFAULTS.rounds). */
  rounds?: number;
  /** Warm-up seconds per point, before measuring. */
  warmup: number;
  /**
   * Connections used during warm-up, when fewer than `connections` warm the code equally well
   * and avoid a long drain (a held lock queues connections × dbMs of work).
   */
  warmupConnections?: (connections: number) => number;
  /** Why, in a few words, printed on the warm-up line (e.g. a held lock would queue them all). */
  warmupWhy?: string;
  /**
   * A byte-heavy lesson's driver: used when it is installed and no `--driver` is given, so that
   * the server, not the load generator, sets the MB/s. Without it the run falls back to
   * autocannon and says it may be the bottleneck. `why` is the lesson's reason, in a few words;
   * `connections`, when set, replaces `connections` whenever this driver runs the lesson (a faster
   * generator can keep more requests in flight without becoming the bottleneck).
   */
  preferredDriver?: { driver: 'wrk'; why: string; connections?: number };
}

/**
 * What a run of `lesson` profiles: `--profile` when given (null: not given), else the lesson's
 * default, which a `--quick` run of a lesson with `quickWithoutProfile` drops.
 */
export function resolveProfile(lesson: Pick<Lesson, 'profile' | 'quickWithoutProfile'>, asked: ProfileChoice | null, quick: boolean): ProfileChoice {
  if (asked !== null) return asked;
  return quick && lesson.quickWithoutProfile === true ? 'none' : lesson.profile;
}

/** The server's kernel-counted work counter: bytes read from files and sockets (see ExerciseFigure). */
export const KERNEL_READ_COUNTER = 'readBytes';

/**
 * The figure an exercise is judged by, as "how many times better than the slow variant":
 * req/s (higher is better); the cores the server kept busy (its CPU %, higher is better: lesson 6,
 * where a process's own speed varies too much from one process to the next for req/s to decide);
 * or a cost per request counted without timing noise (lower is better): JS heap bytes allocated
 * (V8's accounting), or bytes the server process read from the kernel (`/proc/self/io`, files and
 * sockets), which an edit of the handler cannot leave uncounted.
 */
export type ExerciseFigure = 'rps' | 'cores' | 'allocBytes' | 'readBytes';

/** A lesson's exercise: `exercise.ts` beside it, judged against its slow variant (issue [7]). */
export interface ExerciseSpec {
  /** The variant that shows one way to do it: the scale the exercise is shown against, and `--solution`. */
  reference: { variant: string; file: string };
  /** What decides: see ExerciseFigure. Timing is shown beside a noise-free figure. */
  figure: ExerciseFigure;
  /**
   * The exercise passes when every round's figure beats the slow variant's by this factor. Set
   * well below the reference's measured median and well above the A/A noise (the lesson says how).
   */
  threshold: number;
  /**
   * Also required, as a guard (it can fail a check, never make it inconclusive): req/s at least
   * this many times the slow variant's in some round, when the figure that decides is not req/s.
   */
  rpsGuard?: number;
  /** Graded hints, vaguest first (2–3). */
  hints: readonly string[];
  /** What the lesson can add to the check's notes, e.g. a figure explained (lesson 3's boxed sum). */
  notes?: (input: { params: Params; slow: MeasuredPoint; mine: MeasuredPoint; reference: MeasuredPoint | undefined }) => string[];
  /**
   * Why this machine cannot judge the exercise (lesson 6: too few cores left after the load
   * generator), or null when it can: the check is then inconclusive, with this reason.
   */
  inconclusiveWhen?: (input: { cores: number; points: readonly MeasuredPoint[] }) => string | null;
  /** Points to measure (default: slow, reference, exercise at the lesson's connections). */
  plan?: (connections: number, names: { slow: string; exercise: string; reference: string }) => PlannedPoint[];
}

export interface Lesson {
  /** Lesson number, as in `npm run lesson -- 2`. */
  id: number;
  /** Folder name, e.g. `02-held-lock`. */
  slug: string;
  title: string;
  story: {
    /** Seed file id, e.g. `001`. */
    id: string;
    /** The story's own figures in one line, e.g. `19.5 → 820 req/s (Rust, Locust)`. */
    figures: string;
  };
  /** What to watch during and after the run, printed at the start. */
  watch: string[];
  params: ParamSpec[];
  /** `variants[0]` is the baseline (the slow one). */
  variants: Variant[];
  /** Site lessons: their variants are `SiteVariant`s and the load is a mix of site paths. */
  site?: SiteSpec;
  load: LoadProfile;
  /** What a run profiles by default (`--profile` overrides it; `--no-flamegraph` is none). */
  profile: ProfileChoice;
  /**
   * Pairs of points the compare page diffs, the one studied first (`subject`, drawn red where it
   * does more) and the one it is held against (`baseline`). Default: the first point against the last.
   */
  diffPairs?: ReadonlyArray<{ subject: string; baseline: string }>;
  /**
   * `--quick` runs without profiles: for a lesson with so many points that 0x's work would
   * take a quick run past its time budget (lesson 5: six graphs, about 20 s of processing here).
   */
  quickWithoutProfile?: boolean;
  /**
   * What the table shows beside every lesson's columns: lock waits (a lock lesson), GC and heap
   * bytes (an allocation lesson), or the CPU per request alone. Site and cluster lessons have
   * their own columns.
   */
  teaches?: 'locks' | 'allocation';
  /** Measure the trivial route at the same connections: the server's ceiling for this run. */
  measureCeiling: boolean;
  /**
   * A variant that is itself the ceiling (lesson 1's trivial route): its last point is judged as
   * the ceiling, a busy generator there makes it a lower bound, and the verdict gets it as such.
   */
  ceilingVariant?: string;
  /**
   * Whether every variant must return the same answer (checked before any load).
   * Calibration lessons, whose variants are different endpoints, set this to false.
   */
  equivalentAnswers: boolean;
  /** Points to measure; by default every variant at the requested connections, in order. */
  plan?: (connections: number) => PlannedPoint[];
  theory: (input: TheoryInput) => Theory;
  verdict: (input: VerdictInput) => Verdict;
  /**
   * The run's headline, when one speedup would not tell the truth: lesson 5 wins warm (304s) and
   * not cold, and says both. Default: `speedup Nx` (the best variant over the baseline).
   */
  headline?: (points: readonly MeasuredPoint[]) => string;
  /** The exercise a learner solves in `exercise.ts`, when the lesson has one. */
  exercise?: ExerciseSpec;
  /** A lesson with a database (`--db sqlite|postgres`): how the runner makes and fills it. */
  database?: DatabaseSpec;
  /**
   * What is wrong with one variant's answer on its own (lesson 8: TechEmpower's Fortunes rules),
   * checked with the answers' equality before any load; empty when it is right.
   */
  checkAnswer?: (body: string, headers: Record<string, string | undefined>) => string[];
}

/** How the runner prepares a lesson's database before its servers start. */
export interface DatabaseSpec {
  /** The SQLite file's name under HOTPATH_HOME/db/. */
  sqliteFile: string;
  /** Makes the SQLite file if it is not there (atomically: a server never sees half of it). */
  ensureSqlite(file: string): void;
  /** Creates and fills the tables in a fresh PostgreSQL database. */
  fillPostgres(url: string): Promise<void>;
}
