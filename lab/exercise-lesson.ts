// An exercise check is a lesson run of its own: the slow variant, the learner's exercise and the
// reference, measured in interleaved rounds by runLesson like any lesson, and judged by one check:
// does the exercise beat the slow variant by the lesson's threshold in every round?
import { checkSuffix, formatSpread, judgeCheck, pairRounds, roundsOf, unjudged, type JudgedCheck } from '../core/checks.js';
import { formatBytes, formatRate } from '../core/format.js';
import { KERNEL_READ_COUNTER, type ExerciseFigure, type Params, type ExerciseSpec, type Lesson, type MeasuredPoint, type RoundFigures, type Variant, type VariantFactory, type SiteVariantFactory } from '../core/lesson.js';
import { HotpathError } from '../core/errors.js';
import { EXERCISE_VARIANT } from '../core/paths.js';

/** The name of the check that decides, in the verdict and the record. */
export const EXERCISE_CHECK = 'your exercise';
/** The record's `comparison.expected` key of the exercise's median improvement over the slow variant. */
export const EXERCISE_RATIO = 'exerciseRatioMedian';

/** The three variants of an exercise run, by role. */
export interface ExerciseNames {
  slow: string;
  exercise: string;
  reference: string;
}

/** What an exercise run adds to its record, so that it is never read as a run of the lesson. */
export interface ExerciseRecordInfo {
  /** The learner's file, relative to the project. */
  source: string;
  reference: string;
  figure: ExerciseFigure;
  threshold: number;
}

/** An exercise's figure in words: what it is, and "N x <better> <slow variant>". */
export const FIGURE_WORDS: Record<ExerciseFigure, { what: string; better: string }> = {
  rps: { what: 'req/s', better: 'the req/s of' },
  cores: { what: 'CPU cores kept busy (server CPU %)', better: 'the cores kept busy by' },
  allocBytes: { what: 'JS heap bytes allocated per request', better: 'fewer heap bytes per request than' },
  readBytes: { what: 'bytes read per request (files and sockets, counted by the kernel)', better: 'fewer bytes read per request than' },
};

/** `rps`: higher is better; the costs: lower is better. Either way, "how many times better". */
export function improvement(figure: ExerciseFigure, mine: RoundFigures, slow: RoundFigures): number | null {
  if (figure === 'rps') return slow.rps > 0 ? mine.rps / slow.rps : null;
  if (figure === 'cores') return slow.serverCpuPct > 0 ? mine.serverCpuPct / slow.serverCpuPct : null;
  const cost = (round: RoundFigures): number | null =>
    figure === 'allocBytes' ? round.allocBytesPerRequest : (round.workPerRequest[KERNEL_READ_COUNTER] ?? null);
  const [a, b] = [cost(mine), cost(slow)];
  if (a === null || b === null) return null;
  // A request always costs something (its parsing, its socket read): a byte keeps this finite.
  return b / Math.max(a, 1);
}

export function exerciseNames(lesson: Lesson, spec: ExerciseSpec): ExerciseNames {
  return { slow: lesson.variants[0]!.name, exercise: EXERCISE_VARIANT, reference: spec.reference.variant };
}

/**
 * The lesson as an exercise run sees it: three variants (slow, the reference, the exercise),
 * no ceiling, no profiles, and a verdict that judges the exercise against the slow variant.
 */
export function exerciseLesson(lesson: Lesson, factory: VariantFactory | SiteVariantFactory): Lesson {
  const spec = lesson.exercise;
  if (!spec) throw new Error(`lesson ${lesson.id} has no exercise`);
  const names = exerciseNames(lesson, spec);
  const slow = lesson.variants[0]!;
  const reference = lesson.variants.find((v) => v.name === spec.reference.variant);
  if (!reference) throw new Error(`lesson ${lesson.id}'s exercise names an unknown reference \`${spec.reference.variant}\``);
  const summary = 'your fix (exercise.ts)';
  // The learner's code: a factory that throws is their error to read, not a bug of the lab's.
  const guarded = ((lab: Parameters<VariantFactory>[0]) => {
    try {
      return factory(lab);
    } catch (error) {
      throw new HotpathError('E_SERVER', `your exercise's \`exercise\` factory threw before serving anything: ${(error as Error).stack ?? String(error)}`);
    }
  }) as VariantFactory & SiteVariantFactory;
  // Like the lesson's own variants: writing its response (a site, a page), or answering JSON.
  const exercise: Variant = lesson.variants[0]?.serve
    ? { name: EXERCISE_VARIANT, summary, serve: guarded }
    : { name: EXERCISE_VARIANT, summary, create: guarded };
  const words = FIGURE_WORDS[spec.figure];
  const site = lesson.site && spec.figure === 'readBytes'
    ? { ...lesson.site, counters: [...lesson.site.counters, { name: KERNEL_READ_COUNTER, title: 'read KB/req', scale: 1 / 1024, decimals: 1 }] }
    : lesson.site;
  return {
    ...lesson,
    title: `${lesson.title} · exercise`,
    watch: [`your exercise against ${names.slow} (slow) and ${names.reference} (the reference), judged by ${words.what}`],
    // The reference before the exercise: the answers are compared in this order, so that an
    // exercise's different answer is shown beside two variants that agree.
    variants: [slow, reference, exercise],
    ...(site ? { site } : {}),
    measureCeiling: false,
    ceilingVariant: undefined,
    profile: 'none',
    quickWithoutProfile: undefined,
    diffPairs: undefined,
    plan: spec.plan ? (connections) => spec.plan!(connections, names) : undefined,
    theory: (input) => ({
      headline: `your exercise passes when it gets ${spec.threshold}x ${words.better} ${names.slow} in every round, with the same answers`,
      worstLatencyMs: lesson.theory(input).worstLatencyMs,
    }),
    verdict: ({ params, points, cores }) => exerciseVerdict(spec, names, points, params, cores),
    exercise: spec,
  };
}

/** The points of a role: the plan may give one role several (lesson 5 measures warm requests only). */
function pointOf(points: readonly MeasuredPoint[], variant: string): MeasuredPoint | undefined {
  return points.find((p) => p.variant === variant);
}

export function exerciseVerdict(spec: ExerciseSpec, names: ExerciseNames, points: readonly MeasuredPoint[], params: Params = {}, cores = 1): ReturnType<Lesson['verdict']> {
  const slow = pointOf(points, names.slow);
  const mine = pointOf(points, names.exercise);
  const reference = pointOf(points, names.reference);
  if (!slow || !mine) return { expected: { threshold: spec.threshold }, checks: [unjudged(EXERCISE_CHECK)], notes: ['the exercise and the slow variant must both be measured'] };
  const ratios = (point: MeasuredPoint, figure: ExerciseFigure): number[] =>
    pairRounds(roundsOf(point), roundsOf(slow), (a, s) => improvement(figure, a, s));
  const cannotJudge = spec.inconclusiveWhen?.({ cores, points }) ?? null;
  const measured: JudgedCheck = judgeCheck({ name: EXERCISE_CHECK, values: ratios(mine, spec.figure), band: [spec.threshold, Number.POSITIVE_INFINITY] });
  // Not judged, but the figures stay in the note: the learner still sees what was measured.
  const check: JudgedCheck = cannotJudge ? { ...measured, outcome: 'inconclusive', edge: null } : measured;
  const times = (value: number): string => `${value >= 10 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2)}x`;
  const figureOf = (point: MeasuredPoint): string => describeFigure(spec.figure, point);
  const notes: string[] = [
    `your exercise: ${figureOf(mine)}, ${formatSpread(check, times)} ${FIGURE_WORDS[spec.figure].better} ${names.slow} (${figureOf(slow)}); ` +
      (cannotJudge ? `not judged: ${cannotJudge}` : `it passes at ${spec.threshold}x in every round${checkSuffix(check, times)}`),
  ];
  if (reference) {
    const scale = judgeCheck({ name: names.reference, values: ratios(reference, spec.figure), band: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] });
    notes.push(`for scale, the reference (${names.reference}): ${figureOf(reference)}, ${formatSpread(scale, times)}`);
  }
  const guards: JudgedCheck[] = [];
  if (spec.figure !== 'rps') {
    // A machine that cannot judge the figure cannot judge the guard either.
    const guard = cannotJudge ? undefined : spec.rpsGuard;
    const timing = judgeCheck({ name: 'req/s', values: ratios(mine, 'rps'), band: [guard ?? Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY], guard: true });
    if (guard !== undefined) guards.push(timing);
    const served = `your exercise serves ${formatSpread(timing, times)} the req/s of ${names.slow} (${formatRate(mine.rps)} vs ${formatRate(slow.rps)})`;
    notes.push(guard === undefined
      ? `timing, shown and not judged: ${served}`
      : `timing, a guard: ${served}; below ${guard}x in every round fails it` +
        (timing.outcome !== 'disagrees' ? '' : check.outcome === 'agrees' ? ` — more ${FIGURE_WORDS[spec.figure].what}, but no more served` : ' — it serves no more'));
  }
  notes.push(...(spec.notes?.({ params, slow, mine, reference }) ?? []));
  return { expected: { threshold: spec.threshold, figure: spec.figure, [EXERCISE_RATIO]: Number.isFinite(check.median) ? Number(check.median.toPrecision(4)) : null }, checks: [check, ...guards], notes };
}

function describeFigure(figure: ExerciseFigure, point: MeasuredPoint): string {
  if (figure === 'rps') return `${formatRate(point.rps)} req/s`;
  if (figure === 'cores') return `${(point.serverCpuPct / 100).toFixed(2)} cores busy`;
  const bytes = figure === 'allocBytes' ? point.allocBytesPerRequest : (point.workPerRequest[KERNEL_READ_COUNTER] ?? null);
  return bytes === null ? 'not measured' : `${formatBytes(bytes)}/req ${figure === 'allocBytes' ? 'allocated' : 'read'}`;
}
