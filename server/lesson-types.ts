// The shape of a lesson: data the runner, the server and the tests all read.
// A lesson folder exports one `Lesson`; nothing in it knows how a run is driven.
import type { RequestHandler } from 'express';
import type { LabContext } from './lab-context.js';

/** A numeric lesson parameter, settable with `--param name=value` and as a query parameter. */
export interface ParamSpec {
  /** Name used on the CLI and in the query string, e.g. `dbMs`. */
  name: string;
  /** One line for `--help` and error messages. */
  description: string;
  /** Value used when the learner does not set one. */
  default: number;
  /** Smallest allowed value (inclusive). */
  min: number;
  /** Largest allowed value (inclusive): caps keep one request from hanging the server. */
  max: number;
}

/** Parameter values after validation, by name. */
export type Params = Readonly<Record<string, number>>;

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

/** What the runner measured for one point; the input of a lesson's verdict. */
export interface MeasuredPoint extends PlannedPoint {
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  cpuMsPerRequest: number | null;
  gcMsPerRequest: number | null;
  lockWait: { acquisitions: number; p99Ms: number; maxQueue: number } | null;
  /** Response bytes per second (autocannon: headers included; Locust: bodies only). */
  bytesPerSec: number;
  /** The lesson's work counters per request (`SiteSpec.counters`), e.g. `{ upstreamFetches: 1 }`. */
  workPerRequest: Record<string, number>;
  memory: MemoryPeaks | null;
}

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
}

export interface Theory {
  /** The prediction in one sentence, printed before the run. */
  headline: string;
  /** Worst latency the theory predicts, in ms: the driver's timeout is at least twice this. */
  worstLatencyMs: number;
}

export interface VerdictInput extends TheoryInput {
  /** Requests per second of the trivial route at the same connections, or null if not measured. */
  ceilingRps: number | null;
  points: readonly MeasuredPoint[];
}

export interface Verdict {
  /** The numbers theory predicts, by name; recorded as `comparison.expected`. */
  expected: Record<string, number | string | null>;
  agreesWithTheory: boolean;
  /** Plain sentences: how each measurement compares, and what it teaches. */
  notes: string[];
}

/** Default load for a lesson; flags override each value. */
export interface LoadProfile {
  connections: number;
  /** Measured seconds per point. */
  duration: number;
  /** Warm-up seconds per point, before measuring. */
  warmup: number;
  /**
   * Connections used during warm-up, when fewer than `connections` warm the code equally well
   * and avoid a long drain (a held lock queues connections × dbMs of work).
   */
  warmupConnections?: (connections: number) => number;
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
  /** Capture a CPU flame graph of each point by default (`--no-flamegraph` turns it off). */
  profile: boolean;
  /** Measure the trivial route at the same connections: the server's ceiling for this run. */
  measureCeiling: boolean;
  /**
   * Whether every variant must return the same answer (checked before any load).
   * Calibration lessons, whose variants are different endpoints, set this to false.
   */
  equivalentAnswers: boolean;
  /** Points to measure; by default every variant at the requested connections, in order. */
  plan?: (connections: number) => PlannedPoint[];
  theory: (input: TheoryInput) => Theory;
  verdict: (input: VerdictInput) => Verdict;
}
