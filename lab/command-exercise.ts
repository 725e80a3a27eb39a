// `npm run lesson:9 -- --exercise`: a whole-process lesson's exercise, checked as the load lessons'
// are (refused while unchanged, compiled on its own, its output compared, then measured beside the
// step before it and the reference), and judged by a counter first: lesson 9's exercise passes when
// a warm run leaves the build nothing to compile, and the command is faster for it.
import { pathToFileURL } from 'node:url';
import { judgeCheck, type JudgedCheck } from '../core/checks.js';
import type { CommandExerciseSpec, CommandLesson, CommandRunOptions, StepFigures } from '../core/command-lesson.js';
import { EXIT, HotpathError } from '../core/errors.js';
import { EXERCISE_MODULE_ENV, EXERCISE_VARIANT, relativeToRoot } from '../core/paths.js';
import { judgeSaving, pooledRunNoise } from '../core/step-timing.js';
import type { CommandRunRecord } from './command-record.js';
import { checkRecorder, gateExercise } from './exercise-check.js';
import { exerciseFiles, type ExerciseFiles } from './exercise-build.js';
import { EXERCISE_RATIO } from './exercise-lesson.js';
import type { RunIo } from './measure-point.js';
import type { CheckOutcome } from './progress.js';
import { OutputMismatch, runCommandLesson } from './run-command-lesson.js';

export interface CommandExerciseCheck {
  exitCode: number;
  outcome: CheckOutcome;
  record: CommandRunRecord | null;
}

export async function checkCommandExercise(lesson: CommandLesson, options: CommandRunOptions, io: RunIo, files: ExerciseFiles = exerciseFiles(lesson.slug)): Promise<CommandExerciseCheck> {
  const spec = lesson.exercise;
  if (!spec) throw new HotpathError('E_USAGE', `lesson ${lesson.id} has no exercise`);
  const t = io.terminal;
  const source = relativeToRoot(files.source);
  const remember = checkRecorder<CommandRunRecord>(lesson.id, spec.threshold, t);
  const built = await gateExercise(lesson, files, 'still writes every file on every run, as it started', t);
  if (!('compiled' in built)) return remember(built.outcome, built.exitCode);
  await checkExport(built.compiled, source);
  try {
    const { record } = await runCommandLesson(exerciseCommandLesson(lesson, spec), options, io, {
      exercise: { source, reference: spec.reference.variant, counter: spec.counter.name, threshold: spec.threshold },
      env: { [EXERCISE_MODULE_ENV]: built.compiled },
    });
    const verdict = record.comparison.verdict;
    const outcome: CheckOutcome = verdict === 'agrees' ? 'passed' : verdict === 'inconclusive' ? 'inconclusive' : 'too-slow';
    printOutcome(io, lesson, spec, outcome);
    const ratio = record.comparison.expected[EXERCISE_RATIO];
    return remember(outcome, outcome === 'passed' ? EXIT.agrees : outcome === 'inconclusive' ? EXIT.inconclusive : EXIT.disagrees, record, typeof ratio === 'number' ? ratio : null);
  } catch (error) {
    if (error instanceof OutputMismatch && error.step === EXERCISE_VARIANT) {
      t.line(`${t.paint('red', '✗ a different crate:')} your exercise must leave the generated files exactly as ${spec.slow} does (no timing until it does)`);
      t.line(`  ${error.message}`);
      return remember('wrong-answer', EXIT.disagrees);
    }
    if (error instanceof HotpathError && error.code === 'E_SERVER') await remember('failed', EXIT.disagrees);
    throw error;
  }
}

/** The lesson as its exercise check runs it: the slow step, the reference, and the exercise. */
export function exerciseCommandLesson(lesson: CommandLesson, spec: CommandExerciseSpec): CommandLesson {
  const slow = lesson.steps.find((step) => step.name === spec.slow)!;
  const reference = lesson.steps.find((step) => step.name === spec.reference.variant)!;
  return {
    ...lesson,
    steps: [slow, reference, { name: EXERCISE_VARIANT, label: 'your', summary: 'your exercise.ts', story: reference.story }],
    verdict: ({ steps }) => judgeExercise(spec, steps),
  };
}

/** Passes when the counter is right in the exercise's runs and its time beats the slow step's beyond the noise. */
export function judgeExercise(spec: CommandExerciseSpec, steps: readonly StepFigures[]): { expected: Record<string, number>; checks: JudgedCheck[]; notes: string[] } {
  const [slow, reference, mine] = steps as [StepFigures, StepFigures, StepFigures];
  const counted = mine.counters[spec.counter.name] ?? Number.NaN;
  const counter = judgeCheck({ name: `your exercise: ${spec.counter.words}`, values: [counted], band: [spec.counter.equals, spec.counter.equals] });
  const saving = judgeSaving(`your exercise: ms saved over ${slow.name} (medians)`, slow.runsMs, mine.runsMs, pooledRunNoise(steps));
  const ratio = slow.wallMs.median / mine.wallMs.median;
  // The ratio carries the same noise as the saving: a ratio under the threshold by less than the
  // noise straddles its edge (inconclusive), as a check's rounds do; only beyond it is it "not yet".
  // (A quick check's reference read 1.095x once, its saving 67 ms past 44 ms of noise.)
  const ratioNoise = saving.noiseMs / mine.wallMs.median;
  const faster = { ...judgeCheck({ name: `your exercise: ${slow.name}'s median time ÷ its own`, values: [ratio], band: [spec.threshold, Number.POSITIVE_INFINITY] }) };
  if (faster.outcome === 'disagrees' && ratio + ratioNoise >= spec.threshold) faster.outcome = 'inconclusive';
  const [was, ref] = [slow.counters[spec.counter.name], reference.counters[spec.counter.name]];
  const notes = [
    `your exercise: ${spec.counter.words} ${counted} in a warm run (${slow.name}: ${was}, ${reference.name}: ${ref})${counter.outcome === 'agrees' ? '' : ` — it must be ${spec.counter.equals}`}`,
    `your exercise: ${(slow.wallMs.median / 1000).toFixed(3)} s → ${(mine.wallMs.median / 1000).toFixed(3)} s, ${ratio.toFixed(2)}x (needs ${spec.threshold}x); ` +
      `${Math.abs(Math.round(saving.median))} ms ${saving.median >= 0 ? 'saved' : 'lost'}, ` +
      (saving.outcome === 'agrees' ? `beyond the ${Math.round(saving.noiseMs)} ms of noise` : `within the ${Math.round(saving.noiseMs)} ms of noise`) +
      (faster.outcome === 'inconclusive' && saving.outcome === 'agrees' ? `, but ${ratio.toFixed(3)}x is within that noise of ${spec.threshold}x` : '') +
      `; the reference: ${(slow.wallMs.median / reference.wallMs.median).toFixed(2)}x`,
  ];
  return { expected: { [EXERCISE_RATIO]: Math.round(ratio * 100) / 100 }, checks: [counter, saving, faster], notes };
}

async function checkExport(compiled: string, source: string): Promise<void> {
  let module: { exercise?: unknown };
  try {
    module = (await import(pathToFileURL(compiled).href)) as { exercise?: unknown };
  } catch (error) {
    throw new HotpathError('E_SERVER', `${source} compiles, but throws when it is loaded: ${(error as Error).stack ?? String(error)}`);
  }
  if (typeof module.exercise !== 'function') {
    throw new HotpathError('E_USAGE', `${source} must export \`exercise\`, a function like writeEveryFile (it was renamed or removed)`);
  }
}

function printOutcome(io: RunIo, lesson: CommandLesson, spec: CommandExerciseSpec, outcome: CheckOutcome): void {
  const t = io.terminal;
  t.line();
  if (outcome === 'passed') t.line(t.paint('green', `✓ exercise passed: ${spec.counter.words} ${spec.counter.equals}, and ${spec.threshold}x or more faster than ${spec.slow}. Saved in progress (npm run lessons).`));
  else if (outcome === 'inconclusive') t.line(t.paint('yellow', `? inconclusive: the time it saved is within the noise here. Run it again with more runs: npm run lesson:${lesson.id} -- --exercise --rounds 10`));
  else t.line(t.paint('red', `✗ not yet (see the notes above). Then: npm run lesson:${lesson.id} -- --hint`));
}
