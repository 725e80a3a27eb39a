// Builds the run record from the measured points: the lesson's verdict, validity, speedup.
import os from 'node:os';
import { GENERATOR } from '../core/defaults.js';
import type { Lesson, MeasuredPoint } from '../core/lesson.js';
import type { RunOptions } from '../core/run-options.js';
import { round } from '../core/theory.js';
import { thinkTimeMs } from '../loadtests/drivers.js';
import type { PointResult } from './measure-point.js';
import { SCHEMA_VERSION, type RunRecord, type VariantRecord } from './run-record.js';

export interface BuildRecordInput {
  lesson: Lesson;
  options: RunOptions;
  runId: string;
  startedAt: string;
  order: string[];
  points: PointResult[];
  /** The trivial route's measurement, when the lesson measures its ceiling. */
  ceiling: VariantRecord | null;
  notes: string[];
  /** `complete` unless the run was interrupted or failed part-way. */
  status: RunRecord['status'];
}

export function buildRecord(input: BuildRecordInput): RunRecord {
  const { lesson, options } = input;
  const variants = input.points.map((p) => p.record);
  // A record's variant carries every figure a verdict reads (PointFigures), under its own label.
  const measured: MeasuredPoint[] = variants.map((v) => ({ ...v, label: v.name, revalidate: v.mix?.ifNoneMatch ?? false }));
  const finished = input.status === 'complete';
  const verdict = !finished
    ? { expected: {}, agreesWithTheory: false, notes: [] }
    : lesson.verdict({ params: options.params, connections: options.connections, thinkTimeMs: thinkTimeMs(options), ceilingRps: input.ceiling?.rps ?? null, points: measured });
  const validity = judgeValidity(variants, input.ceiling, options.driver);
  const baseline = variants[0];
  // Only points under the baseline's load compare with it (lesson 5's @warm points do not).
  const rivals = variants.slice(1).filter((v) => (v.mix?.ifNoneMatch ?? false) === (baseline?.mix?.ifNoneMatch ?? false));
  // Calibration lessons have no slow/fast pair, so no speedup.
  const speedup = lesson.equivalentAnswers && baseline && baseline.rps > 0 && rivals.length > 0
    ? round(Math.max(...rivals.map((v) => v.rps)) / baseline.rps, 2)
    : null;
  return {
    schemaVersion: SCHEMA_VERSION,
    status: input.status,
    lesson: { id: lesson.id, slug: lesson.slug, title: lesson.title },
    runId: input.runId,
    startedAt: input.startedAt,
    finishedAt: new Date().toISOString(),
    driver: options.driver,
    machine: { cpus: os.availableParallelism(), node: process.version, platform: `${os.platform()} ${os.arch()}` },
    options: { duration: options.duration, warmup: options.warmup, connections: options.connections, quick: options.quick, driver: options.driver, flamegraph: lesson.profile && options.flamegraph, clinic: options.clinic, locustWorkers: options.locustWorkers, locustUser: options.driver === 'locust' ? options.locustUser : null },
    params: options.params,
    order: input.order,
    ceiling: input.ceiling ? { rps: input.ceiling.rps, connections: input.ceiling.connections } : null,
    variants,
    comparison: {
      speedup,
      expected: verdict.expected,
      agreesWithTheory: verdict.agreesWithTheory && validity.valid && finished,
      valid: validity.valid && finished,
      notes: [...verdict.notes, ...validity.notes, ...input.notes],
    },
    compareFlamegraphs: null,
  };
}

/** What to do about a busy generator, per driver. */
const GENERATOR_REMEDY: Record<string, string> = {
  autocannon: 'use fewer connections',
  locust: 'add --locust-workers or use the FastHttpUser model (--locust-user fast)',
};

/** A run is invalid when anything failed or the generator may have been the bottleneck. */
export function judgeValidity(variants: readonly VariantRecord[], ceiling: VariantRecord | null, driver = 'autocannon'): { valid: boolean; notes: string[] } {
  const notes: string[] = [];
  const remedy = GENERATOR_REMEDY[driver] ?? 'give the load generator more CPU';
  const check = (name: string, v: VariantRecord): void => {
    if (v.timeouts > 0) notes.push(`invalid: ${name} had ${v.timeouts} timeouts`);
    if (v.errors > v.timeouts) notes.push(`invalid: ${name} had ${v.errors - v.timeouts} connection errors`);
    if (v.non2xx > 0) notes.push(`invalid: ${name} got ${v.non2xx} non-2xx responses`);
    if (v.generatorCpuPct > GENERATOR.cpuLimitPct) {
      notes.push(`invalid: the load generator used ${Math.round(v.generatorCpuPct)}% of a core during ${name}: it, not the server, may have set the number (${remedy})`);
    }
    for (const warning of v.generatorWarnings) notes.push(`invalid: during ${name} the load generator warned: ${warning} (${remedy})`);
  };
  for (const variant of variants) {
    check(variant.name, variant);
    if (!variant.drained) notes.push(`${variant.name}: requests from the warm-up were still running when measuring began`);
  }
  if (ceiling) check('the ceiling', ceiling);
  const busiest = Math.max(0, ...variants.map((v) => v.generatorCpuPct), ceiling?.generatorCpuPct ?? 0);
  if (busiest >= GENERATOR.cpuNearPct && busiest <= GENERATOR.cpuLimitPct) {
    notes.push(`load generator (${driver}) near its limit: ${Math.round(busiest)}% of one core in its busiest process (limit ${GENERATOR.cpuLimitPct}%); the numbers may be the generator's, not the server's (${remedy})`);
  } else if (busiest < GENERATOR.cpuNearPct) {
    notes.push(`load generator (${driver}): at most ${Math.round(busiest)}% of one core per process (limit ${GENERATOR.cpuLimitPct}%), so it had headroom`);
  }
  return { valid: !notes.some((note) => note.startsWith('invalid')), notes };
}

