// What a run of a lesson is asked to do, resolved from flags (or, later, the console) against the
// lesson's defaults: the input of runLesson().
import type { Params } from './params.js';

export const DRIVERS = ['autocannon', 'locust', 'wrk'] as const;
export type DriverName = (typeof DRIVERS)[number];

/** Locust's user models: `fast` (FastHttpUser, no think time) or `story` (HttpUser, 0.5 s). */
export const LOCUST_USERS = ['fast', 'story'] as const;
export type LocustUser = (typeof LOCUST_USERS)[number];

/** `--profile`: CPU (0x's graph and V8's sampler), allocation (V8's sampling heap profiler), both or none. */
export const PROFILE_CHOICES = ['cpu', 'alloc', 'both', 'none'] as const;
/** Where a lesson with a database keeps it (`--db`): embedded SQLite (the default) or a real PostgreSQL. */
export const DB_KINDS = ['sqlite', 'postgres'] as const;
export type DbKind = (typeof DB_KINDS)[number];
export type ProfileChoice = (typeof PROFILE_CHOICES)[number];

export function profilesCpu(choice: ProfileChoice): boolean {
  return choice === 'cpu' || choice === 'both';
}

export function profilesAlloc(choice: ProfileChoice): boolean {
  return choice === 'alloc' || choice === 'both';
}

export const CLINIC_TOOLS = ['doctor', 'bubbleprof', 'flame', 'heapprofiler'] as const;
export type ClinicTool = (typeof CLINIC_TOOLS)[number];

/** Everything a run needs, resolved against the lesson's defaults. */
export interface RunOptions {
  /** Measured seconds per point, in total: split evenly across its rounds. */
  duration: number;
  /** Rounds per point, interleaved across the points. */
  rounds: number;
  /** Warm-up seconds per point, not measured. */
  warmup: number;
  connections: number;
  params: Params;
  driver: DriverName;
  /**
   * How the driver was chosen: `--driver`, the default, the lesson's preferred driver, or the
   * fallback when that one is not installed; `why` says it in words for the header (null: nothing to say).
   */
  driverChoice: { by: 'flag' | 'default' | 'lesson' | 'fallback'; why: string | null };
  /** What to profile: the lesson's default unless `--profile` (or `--no-flamegraph`, none) says. */
  profile: ProfileChoice;
  /** Whether `profile` is the lesson's default (`lesson`) or was asked for (`flag`). */
  profileFrom: 'lesson' | 'flag';
  /** The record on stdout, everything human on stderr. */
  json: boolean;
  quick: boolean;
  /** Mirror servers' and profilers' output to stderr. */
  verbose: boolean;
  clinic: ClinicTool | null;
  /** Locust's distributed mode: a master and this many workers (0: one standalone process). */
  locustWorkers: number;
  locustUser: LocustUser;
  /** A lesson with a database: which one (`--db`, default sqlite); null for the others. */
  db: DbKind | null;
}
