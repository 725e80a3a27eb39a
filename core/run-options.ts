// What a run of a lesson is asked to do, resolved from flags (or, later, the console) against the
// lesson's defaults: the input of runLesson().
import type { Params } from './params.js';

export const DRIVERS = ['autocannon', 'locust'] as const;
export type DriverName = (typeof DRIVERS)[number];

/** Locust's user models: `fast` (FastHttpUser, no think time) or `story` (HttpUser, 0.5 s). */
export const LOCUST_USERS = ['fast', 'story'] as const;
export type LocustUser = (typeof LOCUST_USERS)[number];

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
  /** Profile with 0x where the lesson profiles (`--no-flamegraph` turns it off). */
  flamegraph: boolean;
  /** The record on stdout, everything human on stderr. */
  json: boolean;
  quick: boolean;
  /** Mirror servers' and profilers' output to stderr. */
  verbose: boolean;
  clinic: ClinicTool | null;
  /** Locust's distributed mode: a master and this many workers (0: one standalone process). */
  locustWorkers: number;
  locustUser: LocustUser;
}
