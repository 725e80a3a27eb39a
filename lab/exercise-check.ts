// `npm run lesson:N -- --exercise`: checks a learner's exercise the way Performance Ninja checks a
// lab: refuses the untouched start, compiles it on its own, compares its answers with the other
// variants', then measures it beside the slow variant and the reference in interleaved rounds and
// judges it by the lesson's threshold. Every ending is remembered in progress.json.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { EXIT, HotpathError } from '../core/errors.js';
import type { Lesson, SiteVariantFactory, VariantFactory } from '../core/lesson.js';
import { EXERCISE_MODULE_ENV, EXERCISE_VARIANT, relativeToRoot } from '../core/paths.js';
import type { RunOptions } from '../core/run-options.js';
import { AnswerMismatch } from './equivalence.js';
import { buildExercise, exerciseFiles, type ExerciseFiles } from './exercise-build.js';
import { EXERCISE_RATIO, exerciseLesson } from './exercise-lesson.js';
import { recordCheck, type CheckOutcome } from './progress.js';
import { runLesson, type RunIo } from './run-lesson.js';
import type { RunRecord } from './run-record.js';
import type { Terminal } from './terminal.js';

export interface ExerciseCheck {
  exitCode: number;
  outcome: CheckOutcome;
  record: RunRecord | null;
}

/** Whether two versions of a file say the same, ignoring line endings and trailing blanks. */
export function sameSource(a: string, b: string): boolean {
  const normal = (text: string): string => text.replace(/\r\n?/g, '\n').split('\n').map((line) => line.trimEnd()).join('\n').trimEnd();
  return normal(a) === normal(b);
}

/** Remembers a check's ending in progress.json (saying so when that file had to be set aside). */
export function checkRecorder<R extends { runId: string }>(lessonId: number, threshold: number, t: Terminal) {
  return async (outcome: CheckOutcome, exitCode: number, record: R | null = null, ratio: number | null = null): Promise<{ exitCode: number; outcome: CheckOutcome; record: R | null }> => {
    const { movedAside } = await recordCheck(lessonId, { outcome, ratio, threshold, runId: record?.runId ?? null });
    if (movedAside) t.line(t.paint('yellow', `progress.json could not be read; it was kept as ${movedAside} and a new one started`));
    return { exitCode, outcome, record };
  };
}

/**
 * What every check does before measuring: refuse the untouched start (`startedAs` says what it
 * still is), then compile the exercise on its own. @returns the compiled module, or the ending.
 */
export async function gateExercise(lesson: { id: number }, files: ExerciseFiles, startedAs: string, t: Terminal): Promise<{ compiled: string } | { outcome: CheckOutcome; exitCode: number }> {
  const source = relativeToRoot(files.source);
  t.line(`${t.paint('bold', `checking lesson ${lesson.id}'s exercise:`)} ${source}`);
  const [mine, start] = await Promise.all([readSource(files.source, lesson), readFile(files.start, 'utf8')]);
  if (sameSource(mine, start)) {
    t.line(`${t.paint('yellow', '✗ unchanged:')} ${source} ${startedAs}, so there is nothing to check yet.`);
    t.line(`  Open it, read the comment at its top, change it, save, and run this again.`);
    t.line(t.paint('dim', `  A first hint: npm run lesson:${lesson.id} -- --hint  ·  re-check on every save: npm run watch -- ${lesson.id}`));
    return { outcome: 'unchanged', exitCode: EXIT.disagrees };
  }
  t.line(t.paint('dim', '· compiling it on its own…'));
  const built = buildExercise(files);
  if (!built.ok) {
    t.line(`${t.paint('red', '✗ does not compile:')} fix ${built.errors.length === 1 ? 'this error' : `these ${built.errors.length} errors`} and run again (other lessons are not affected)`);
    for (const error of built.errors) t.line(`  ${error}`);
    return { outcome: 'does-not-compile', exitCode: EXIT.usage };
  }
  return { compiled: built.compiled };
}

export async function checkExercise(lesson: Lesson, options: RunOptions, io: RunIo, files: ExerciseFiles = exerciseFiles(lesson.slug)): Promise<ExerciseCheck> {
  const spec = lesson.exercise;
  if (!spec) throw new HotpathError('E_USAGE', `lesson ${lesson.id} has no exercise`);
  const t = io.terminal;
  const source = relativeToRoot(files.source);
  const remember = checkRecorder<RunRecord>(lesson.id, spec.threshold, t);
  const gate = await gateExercise(lesson, files, 'is still the slow handler it started as', t);
  if (!('compiled' in gate)) return remember(gate.outcome, gate.exitCode);
  const built = gate;
  try {
    const factory = await importExercise(built.compiled, source);
    const { record } = await runLesson(exerciseLesson(lesson, factory), options, io, {
      exercise: { source, reference: spec.reference.variant, figure: spec.figure, threshold: spec.threshold },
      serverEnv: { [EXERCISE_MODULE_ENV]: built.compiled },
    });
    const check = record.comparison.valid ? record.comparison.verdict : 'disagrees';
    const judged = record.status === 'complete' ? checkRatio(record) : null;
    const outcome: CheckOutcome = !record.comparison.valid ? 'failed' : check === 'agrees' ? 'passed' : check === 'inconclusive' ? 'inconclusive' : 'too-slow';
    printOutcome(io, lesson, outcome, spec.threshold);
    return remember(outcome, outcome === 'passed' ? EXIT.agrees : outcome === 'inconclusive' ? EXIT.inconclusive : EXIT.disagrees, record, judged);
  } catch (error) {
    // Only the exercise's answer is the learner's to fix; slow and reference disagreeing is ours.
    if (error instanceof AnswerMismatch && error.second.variant === EXERCISE_VARIANT) {
      // The reference ran before the exercise and agreed with the slow variant: one answer for both.
      const theirs = `${error.first.variant} and ${spec.reference.variant}`;
      const width = theirs.length + 2;
      t.line(`${t.paint('red', '✗ a different answer:')} your exercise must compute what the slow variant does (no timing until it does)`);
      t.line(`  ${'request'.padEnd(width)} ${error.request}`);
      t.line(`  ${theirs.padEnd(width)} ${error.first.answer}`);
      t.line(`  ${'your exercise'.padEnd(width)} ${error.second.answer}`);
      return remember('wrong-answer', EXIT.disagrees);
    }
    // A server that would not start or answer (the exercise threw, say): the message says why.
    if (error instanceof HotpathError && error.code === 'E_SERVER') await remember('failed', EXIT.disagrees);
    throw error;
  }
}

async function readSource(file: string, lesson: { id: number }): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new HotpathError('E_USAGE', `${relativeToRoot(file)} is missing: restore its start with npm run lesson:${lesson.id} -- --reset`);
  }
}

async function importExercise(compiled: string, source: string): Promise<VariantFactory | SiteVariantFactory> {
  let module: { exercise?: unknown };
  try {
    module = (await import(pathToFileURL(compiled).href)) as { exercise?: unknown };
  } catch (error) {
    throw new HotpathError('E_SERVER', `${source} compiles, but throws when it is loaded: ${(error as Error).stack ?? String(error)}`);
  }
  if (typeof module.exercise !== 'function') {
    throw new HotpathError('E_USAGE', `${source} must export \`exercise\`, a variant factory like the slow handler's (it was renamed or removed)`);
  }
  return module.exercise as VariantFactory | SiteVariantFactory;
}

/** The deciding check's median ratio, as the verdict recorded it. */
function checkRatio(record: RunRecord): number | null {
  const value = record.comparison.expected[EXERCISE_RATIO];
  return typeof value === 'number' ? value : null;
}

function printOutcome(io: RunIo, lesson: Lesson, outcome: CheckOutcome, threshold: number): void {
  const t = io.terminal;
  t.line();
  if (outcome === 'passed') {
    t.line(t.paint('green', `✓ exercise passed: it beats the slow variant by ${threshold}x or more in every round. Saved in progress (npm run lessons).`));
  } else if (outcome === 'inconclusive') {
    t.line(t.paint('yellow', `? inconclusive: some rounds reached ${threshold}x and some did not. Run it again with more rounds, e.g. npm run lesson:${lesson.id} -- --exercise --rounds 5`));
  } else if (outcome === 'too-slow') {
    t.line(t.paint('red', `✗ not yet: no round reached ${threshold}x. Look at the table above, then: npm run lesson:${lesson.id} -- --hint`));
  } else {
    t.line(t.paint('red', '✗ the run was not valid (see its notes above): nothing was judged'));
  }
}
