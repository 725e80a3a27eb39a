// A learner's progress: one JSON file, HOTPATH_HOME/progress.json, that remembers each lesson's
// exercise (its last check, when it passed, how many hints were shown). Written through a temp
// file and a rename, so a kill mid-write leaves the old file whole. Runs of lessons are not kept
// here: their records are (results/), and `npm run lessons` reads both.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { hotpathHome } from '../core/paths.js';
import { writeFileAtomic } from './run-record.js';

/** Bump on a rename or removal; adding a field keeps it. */
export const PROGRESS_SCHEMA = 1;

/** How an exercise check ended (exit codes: passed 0, unchanged/wrong-answer/too-slow 1, does-not-compile 2, inconclusive 4). */
export type CheckOutcome = 'passed' | 'too-slow' | 'inconclusive' | 'wrong-answer' | 'unchanged' | 'does-not-compile' | 'failed';

export interface ExerciseProgress {
  lastCheck: {
    at: string;
    outcome: CheckOutcome;
    /** The exercise's median improvement over the slow variant, when it was measured. */
    ratio: number | null;
    threshold: number;
    runId: string | null;
  } | null;
  /** When a check first passed; kept when later checks do not. */
  passedAt: string | null;
  /** Hints revealed so far (`--hint`). */
  hintsShown: number;
}

export interface Progress {
  schemaVersion: number;
  /** By lesson number. */
  lessons: Record<string, { exercise: ExerciseProgress }>;
}

export function progressFile(): string {
  return path.join(hotpathHome(), 'progress.json');
}

const empty = (): Progress => ({ schemaVersion: PROGRESS_SCHEMA, lessons: {} });
const emptyExercise = (): ExerciseProgress => ({ lastCheck: null, passedAt: null, hintsShown: 0 });

/**
 * The progress on disk, or an empty one when there is none. A file that cannot be read as
 * progress (hand-edited, or from a newer hotpath) is reported and never overwritten: `update`
 * moves it aside first.
 */
export async function readProgress(file = progressFile()): Promise<{ progress: Progress; problem: string | null }> {
  if (!existsSync(file)) return { progress: empty(), problem: null };
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Progress>;
    if (parsed.schemaVersion !== PROGRESS_SCHEMA || typeof parsed.lessons !== 'object' || parsed.lessons === null) {
      return { progress: empty(), problem: `${file} has schemaVersion ${String(parsed.schemaVersion)}, this hotpath reads ${PROGRESS_SCHEMA}` };
    }
    return { progress: parsed as Progress, problem: null };
  } catch (error) {
    return { progress: empty(), problem: `${file} is not readable progress (${(error as Error).message})` };
  }
}

export function exerciseProgress(progress: Progress, lessonId: number): ExerciseProgress {
  return progress.lessons[String(lessonId)]?.exercise ?? emptyExercise();
}

/**
 * Reads, changes one lesson's exercise progress, writes atomically. @returns what was written,
 * and where an unreadable old file went (it is kept, renamed, never lost).
 */
export async function updateExercise(lessonId: number, change: (exercise: ExerciseProgress) => ExerciseProgress | null, file = progressFile()): Promise<{ progress: Progress; movedAside: string | null }> {
  const { progress, problem } = await readProgress(file);
  let movedAside: string | null = null;
  if (problem) {
    movedAside = `${file}.unreadable-${Date.now()}`;
    await rename(file, movedAside);
  }
  const next = change(exerciseProgress(progress, lessonId));
  if (next === null) delete progress.lessons[String(lessonId)];
  else progress.lessons[String(lessonId)] = { ...progress.lessons[String(lessonId)], exercise: next };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(progress, null, 2)}\n`);
  return { progress, movedAside };
}

/** Records a check's outcome; a pass sets `passedAt` the first time. */
export function recordCheck(lessonId: number, check: Omit<NonNullable<ExerciseProgress['lastCheck']>, 'at'>, file = progressFile()): Promise<{ progress: Progress; movedAside: string | null }> {
  const at = new Date().toISOString();
  return updateExercise(lessonId, (exercise) => ({
    ...exercise,
    lastCheck: { at, ...check },
    passedAt: exercise.passedAt ?? (check.outcome === 'passed' ? at : null),
  }), file);
}
