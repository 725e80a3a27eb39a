// Copies of a lesson's exercise for tests: written beside the lesson (their imports are relative),
// named `exercise.copy-*.ts` (left out of the build and of git), handed to the CLI through
// HOTPATH_EXERCISE_FILE, and removed afterwards with what they compiled to. No tracked file is edited.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../core/paths.js';
import { EXERCISE_FILE_ENV } from '../../lab/exercise-build.js';

const made: string[] = [];

export interface ExerciseCopy {
  /** Absolute path of the copy. */
  file: string;
  /** The copy as the project names it, e.g. `lessons/02-held-lock/exercise.copy-ref-123.ts`. */
  relative: string;
  /** The compiled module it becomes. */
  compiled: string;
  env: Record<string, string>;
}

/** The starting exercise of a lesson, as text. */
export function startOf(slug: string): string {
  return readFileSync(path.join(projectRoot, 'lessons', slug, 'exercise.start.ts'), 'utf8');
}

export function exerciseCopy(slug: string, tag: string, text: string): ExerciseCopy {
  const name = `exercise.copy-${tag}-${process.pid}-${made.length}`;
  const file = path.join(projectRoot, 'lessons', slug, `${name}.ts`);
  const compiled = path.join(projectRoot, 'dist', 'lessons', slug, `${name}.js`);
  writeFileSync(file, text);
  made.push(file, compiled, `${compiled}.map`);
  return { file, relative: path.relative(projectRoot, file), compiled, env: { [EXERCISE_FILE_ENV]: file } };
}

/** Removes every copy and its compiled module (call from afterAll). */
export function removeExerciseCopies(): void {
  for (const file of made.splice(0)) rmSync(file, { force: true });
}
