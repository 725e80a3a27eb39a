// What a learner asks of an exercise besides a check: the next hint (`--hint`), the reference's
// changes against the start (`--solution`), and a fresh start (`--reset [--forget]`).
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { HotpathError } from '../core/errors.js';
import type { ExerciseSpec } from '../core/lesson.js';
import { hotpathHome, newRunId, pad2, projectRoot, relativeToRoot } from '../core/paths.js';
import { exerciseFiles, type ExerciseFiles } from './exercise-build.js';
import { updateExercise } from './progress.js';
import { writeFileAtomic } from './run-record.js';
import type { Terminal } from './terminal.js';

/** What the tutor needs of a lesson (a load lesson or a whole-process one). */
export interface TutorLesson {
  id: number;
  slug: string;
  exercise?: Pick<ExerciseSpec, 'hints' | 'reference' | 'threshold'>;
}

function specOf(lesson: TutorLesson): NonNullable<TutorLesson['exercise']> {
  if (!lesson.exercise) throw new HotpathError('E_USAGE', `lesson ${lesson.id} has no exercise`);
  return lesson.exercise;
}

/** Shows the hints revealed so far and the next one; says how many are left. */
export async function showHint(t: Terminal, lesson: TutorLesson): Promise<void> {
  const { hints } = specOf(lesson);
  let next = 0;
  await updateExercise(lesson.id, (exercise) => {
    next = Math.min(exercise.hintsShown + 1, hints.length);
    return { ...exercise, hintsShown: next };
  });
  t.line(t.paint('bold', `lesson ${lesson.id} · hints`));
  hints.slice(0, next).forEach((hint, i) => {
    const label = `hint ${i + 1} of ${hints.length}`;
    t.line(`${i === next - 1 ? t.paint('bold', label) : t.paint('dim', label)}  ${i === next - 1 ? hint : t.paint('dim', hint)}`);
  });
  const left = hints.length - next;
  t.line();
  t.line(left > 0
    ? t.paint('dim', `${left} more hint${left === 1 ? '' : 's'}: run --hint again. Check your fix: npm run lesson:${lesson.id} -- --exercise`)
    : t.paint('dim', `no hints left. The reference's changes: npm run lesson:${lesson.id} -- --solution`));
}

/** The reference variant's file against the starting exercise, as a unified diff. */
export async function solutionDiff(lesson: TutorLesson, files: ExerciseFiles = exerciseFiles(lesson.slug)): Promise<string> {
  const spec = specOf(lesson);
  const reference = path.join(projectRoot, 'lessons', lesson.slug, spec.reference.file);
  const [start, solution] = await Promise.all([readFile(files.start, 'utf8'), readFile(reference, 'utf8')]);
  return createTwoFilesPatch(relativeToRoot(files.start), relativeToRoot(reference), start, solution, 'the starting exercise', `the reference, ${spec.reference.variant}`);
}

export async function showSolution(t: Terminal, lesson: TutorLesson): Promise<void> {
  const patch = await solutionDiff(lesson);
  for (const line of patch.trimEnd().split('\n')) {
    const colour = line.startsWith('+') && !line.startsWith('+++') ? 'green' : line.startsWith('-') && !line.startsWith('---') ? 'red' : line.startsWith('@@') ? 'dim' : null;
    t.line(colour ? t.paint(colour, line) : line);
  }
  t.line();
  t.line(t.paint('dim', `One way, not the only one: your exercise (keep its export named \`exercise\`) passes when it beats the slow variant by ${specOf(lesson).threshold}x, whatever it changes.`));
}

/** Puts the pristine start back in the exercise's place; `forget` also clears its progress. */
export async function resetExercise(t: Terminal, lesson: TutorLesson, forget: boolean, files: ExerciseFiles = exerciseFiles(lesson.slug)): Promise<void> {
  specOf(lesson);
  const start = await readFile(files.start, 'utf8');
  const source = relativeToRoot(files.source);
  const had = existsSync(files.source) ? await readFile(files.source, 'utf8') : null;
  // The learner's version is theirs: kept aside, never just overwritten.
  let kept: string | null = null;
  if (had !== null && had !== start) {
    kept = path.join(hotpathHome(), 'exercise-backups', `lesson-${pad2(lesson.id)}-${newRunId()}.ts`);
    await mkdir(path.dirname(kept), { recursive: true });
    await writeFileAtomic(kept, had);
  }
  await writeFileAtomic(files.source, start);
  t.line(`${t.paint('green', '✓')} ${source} is back to its start${kept ? `; your version is kept in ${relativeToRoot(kept)}` : ''}`);
  if (forget) {
    await updateExercise(lesson.id, () => null);
    t.line(`${t.paint('green', '✓')} lesson ${lesson.id}'s exercise progress is forgotten (hints and checks)`);
  } else {
    t.line(t.paint('dim', '  progress kept (passes and hints); add --forget to clear it'));
  }
}
