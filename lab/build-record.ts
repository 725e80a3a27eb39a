// Builds the run record from the measured points: the lesson's verdict, validity, speedup.
import os from 'node:os';
import { GENERATOR } from '../core/defaults.js';
import { median, overallOutcome, type Outcome } from '../core/checks.js';
import { type Lesson, type MeasuredPoint, type Verdict } from '../core/lesson.js';
import { profilesCpu, type RunOptions } from '../core/run-options.js';
import { round } from '../core/theory.js';
import { thinkTimeMs } from '../loadtests/drivers.js';
import type { PointResult } from './measure-point.js';
import { SCHEMA_VERSION, type RunRecord, type VariantRecord } from './run-record.js';

export interface BuildRecordInput {
  lesson: Lesson;
  options: RunOptions;
  runId: string;
  startedAt: string;
  points: PointResult[];
  /** The trivial route's measurement, when the lesson measures its ceiling. */
  ceiling: PointResult | null;
  notes: string[];
  /** `complete` unless the run was interrupted or failed part-way. */
  status: RunRecord['status'];
  /** An exercise check's run: what it judged. */
  exercise?: RunRecord['exercise'];
}

export function buildRecord(input: BuildRecordInput): RunRecord {
  const { lesson, options } = input;
  const variants = input.points.map((p) => p.record);
  const ceilingRecord = input.ceiling?.record ??
    (lesson.ceilingVariant ? variants.findLast((v) => v.variant === lesson.ceilingVariant) ?? null : null);
  const ceiling = ceilingRecord ? describeCeiling(ceilingRecord) : null;
  // A record's variant carries every figure a verdict reads (PointFigures), under its own label.
  const measured: MeasuredPoint[] = variants.map((v) => ({ ...v, label: v.name, revalidate: v.mix?.ifNoneMatch ?? false }));
  const finished = input.status === 'complete';
  const verdict: Verdict = !finished
    ? { expected: {}, checks: [], notes: [] }
    : lesson.verdict({
      params: options.params, connections: options.connections, thinkTimeMs: thinkTimeMs(options), cores: os.availableParallelism(), points: measured,
      ceiling: ceiling ? { rps: ceiling.rps, roundRps: ceiling.roundRps, setBy: ceiling.setBy } : null,
    });
  const validity = judgeValidity(variants.filter((v) => v !== ceilingRecord), ceilingRecord, options);
  // An invalid or unfinished run cannot agree, nor be merely inconclusive: exit 1, as it says.
  const outcome: Outcome = finished && validity.valid ? overallOutcome(verdict.checks) : 'disagrees';
  const baseline = variants[0];
  // Only points under the baseline's load compare with it (lesson 5's @warm points do not).
  const rivals = variants.slice(1).filter((v) => (v.mix?.ifNoneMatch ?? false) === (baseline?.mix?.ifNoneMatch ?? false));
  // Calibration lessons have no slow/fast pair, so no speedup.
  const speedup = lesson.equivalentAnswers && baseline && baseline.rps > 0 && rivals.length > 0
    ? round(Math.max(...rivals.map((v) => v.rps)) / baseline.rps, 2)
    : null;
  const roundNotes = finished && options.rounds === 1
    ? ['one round per point: no spread to tell noise from an effect, so no check can be inconclusive (--rounds 3 or more to see it)']
    : [];
  return {
    schemaVersion: SCHEMA_VERSION,
    status: input.status,
    lesson: { id: lesson.id, slug: lesson.slug, title: lesson.title },
    runId: input.runId,
    startedAt: input.startedAt,
    finishedAt: new Date().toISOString(),
    driver: options.driver,
    machine: { cpus: os.availableParallelism(), node: process.version, platform: `${os.platform()} ${os.arch()}` },
    options: {
      duration: options.duration, warmup: options.warmup, connections: options.connections, quick: options.quick, driver: options.driver, driverChosenBy: options.driverChoice.by,
      profile: options.profile, flamegraph: profilesCpu(options.profile), clinic: options.clinic, locustWorkers: options.locustWorkers,
      locustUser: options.driver === 'locust' ? options.locustUser : null, rounds: options.rounds,
    },
    params: options.params,
    order: [...(input.ceiling ? [input.ceiling.record.name] : []), ...variants.map((v) => v.name)],
    ceiling,
    variants,
    comparison: {
      speedup,
      expected: verdict.expected,
      verdict: outcome,
      agreesWithTheory: outcome === 'agrees' && validity.valid && finished,
      valid: validity.valid && finished,
      notes: [...verdict.notes, ...validity.notes, ...roundNotes, ...input.notes],
      ...(finished && lesson.headline ? { headline: lesson.headline(measured) } : {}),
    },
    compareFlamegraphs: null,
    ...(input.exercise ? { exercise: input.exercise } : {}),
  };
}

/**
 * The ceiling exists to saturate something. When the load generator was busier than the server
 * there, it is the generator's limit: the server could do at least this much, maybe more.
 */
function describeCeiling(record: VariantRecord): NonNullable<RunRecord['ceiling']> {
  const generator = median(record.rounds.map((r) => r.generatorCpuPct));
  return {
    point: record.name,
    rps: record.rps,
    connections: record.connections,
    setBy: generator > record.serverCpuPct ? 'generator' : 'server',
    spread: record.spread,
    roundRps: record.rounds.map((r) => r.rps),
    serverCpuPct: record.serverCpuPct,
    generatorCpuPct: round(generator, 1),
  };
}

/** What to do about a busy generator, given the options in use. */
export function generatorRemedy(options: Pick<RunOptions, 'driver' | 'locustUser' | 'locustWorkers' | 'connections'>): string {
  if (options.driver !== 'locust') return 'use fewer connections, e.g. --connections ' + Math.max(1, Math.floor(options.connections / 2));
  const workers = `--locust-workers ${Math.max(2, options.locustWorkers + 1)}`;
  return options.locustUser === 'story' ? `add ${workers}, or use the FastHttpUser model (--locust-user fast)` : `add ${workers}`;
}

/**
 * A run is invalid when anything failed or the generator may have set a variant's number. At the
 * ceiling a busy generator is expected (the point exists to saturate something): it only makes
 * the ceiling a lower bound, which the notes say.
 */
export function judgeValidity(
  variants: readonly VariantRecord[],
  ceiling: VariantRecord | null,
  options: Pick<RunOptions, 'driver' | 'locustUser' | 'locustWorkers' | 'connections'> = { driver: 'autocannon', locustUser: 'fast', locustWorkers: 0, connections: 1 },
): { valid: boolean; notes: string[] } {
  const notes: string[] = [];
  const remedy = generatorRemedy(options);
  const failures = (name: string, v: VariantRecord): void => {
    if (v.timeouts > 0) notes.push(`invalid: ${name} had ${v.timeouts} timeouts`);
    if (v.errors > v.timeouts) notes.push(`invalid: ${name} had ${v.errors - v.timeouts} connection errors`);
    if (v.non2xx > 0) notes.push(`invalid: ${name} got ${v.non2xx} non-2xx responses`);
  };
  for (const variant of variants) {
    failures(variant.name, variant);
    if (variant.generatorCpuPct > GENERATOR.cpuLimitPct) {
      notes.push(`invalid: the load generator used ${Math.round(variant.generatorCpuPct)}% of a core during ${variant.name}: it, not the server, may have set the number (${remedy})`);
    }
    for (const warning of variant.generatorWarnings) notes.push(`invalid: during ${variant.name} the load generator warned: ${warning} (${remedy})`);
    if (!variant.drained) notes.push(`${variant.name}: requests from an earlier round were still running when a round began`);
  }
  if (ceiling) {
    failures('the ceiling', ceiling);
    const generator = median(ceiling.rounds.map((r) => r.generatorCpuPct));
    if (generator > ceiling.serverCpuPct) {
      notes.push(`the ceiling was set by the load generator (${Math.round(generator)}% of a core) more than the server (${Math.round(ceiling.serverCpuPct)}%): ` +
        'the server can do at least that much, so it is judged as a lower bound');
    }
  }
  const busiest = Math.max(0, ...variants.map((v) => v.generatorCpuPct));
  if (busiest >= GENERATOR.cpuNearPct && busiest <= GENERATOR.cpuLimitPct) {
    notes.push(`load generator (${options.driver}) near its limit: ${Math.round(busiest)}% of one core in its busiest process (limit ${GENERATOR.cpuLimitPct}%); the numbers may be the generator's, not the server's (${remedy})`);
  } else if (busiest < GENERATOR.cpuNearPct) {
    notes.push(`load generator (${options.driver}): at most ${Math.round(busiest)}% of one core per process during the variants (limit ${GENERATOR.cpuLimitPct}%), so it had headroom`);
  }
  return { valid: !notes.some((note) => note.startsWith('invalid')), notes };
}
