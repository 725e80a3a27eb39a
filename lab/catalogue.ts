// The lesson catalogue (`npm run lessons`): every lesson with its latest run's verdict and key
// figure, its exercise's state from progress.json, and the next step to take.
import { formatBytes } from '../core/format.js';
import type { ExerciseFigure, Lesson } from '../core/lesson.js';
import { exerciseProgress, type CheckOutcome, type ExerciseProgress, type Progress } from './progress.js';
import type { RunRecord } from './run-record.js';
import type { Terminal } from './terminal.js';

/**
 * @param records run records, newest first (an exercise check's records are not the lesson's runs)
 * @param progress the learner's progress.json
 */
/** What the catalogue shows of a lesson (a load lesson or a whole-process one). */
export type CatalogueLesson = Pick<Lesson, 'id' | 'title' | 'slug' | 'story'> & { exercise?: { threshold: number; figure?: ExerciseFigure } };

export function catalogueLines(t: Terminal, lessons: readonly CatalogueLesson[], records: readonly RunRecord[], progress: Progress): string[] {
  const lines = [t.paint('bold', 'hotpath lessons'), ''];
  let next: string | null = null;
  for (const lesson of lessons) {
    const latest = records.find((record) => record.lesson.id === lesson.id && record.status === 'complete' && !record.exercise);
    const mark = !latest
      ? t.paint('dim', '·  not run yet')
      : latest.comparison.agreesWithTheory
        ? t.paint('green', `✓  agreed with theory (${latest.runId})`)
        : latest.comparison.valid && latest.comparison.verdict === 'inconclusive'
          ? t.paint('yellow', `?  last run was inconclusive (${latest.runId})`)
          : t.paint('yellow', `✗  last run ${latest.comparison.valid ? 'disagreed' : 'was invalid'} (${latest.runId})`);
    const figure = latest ? keyFigure(lesson, latest) : null;
    lines.push(`${String(lesson.id).padStart(2)}  ${lesson.title.padEnd(32)} ${mark}${figure ? t.paint('dim', ` · ${figure}`) : ''}`);
    lines.push(t.paint('dim', `    npm run lesson:${lesson.id}   · story ${lesson.story.id}: ${lesson.story.figures}`));
    const exercise = lesson.exercise ? exerciseProgress(progress, lesson.id) : null;
    if (exercise && lesson.exercise) lines.push(`    ${exerciseLine(t, exercise, lesson.exercise.threshold)}`);
    next ??= nextStep(lesson, latest, exercise);
  }
  lines.push('', next ? `${t.paint('bold', 'next:')} ${next}` : t.paint('green', 'Every lesson agreed with theory and every exercise passed.'));
  lines.push(t.paint('dim', 'Options for any lesson: npm run lesson -- <n> --help'));
  return lines;
}

/** What a lesson's run is about, in one figure: the speedup, or for an allocation lesson the bytes. */
function keyFigure(lesson: CatalogueLesson, record: RunRecord): string | null {
  const [slow, fast] = [record.variants[0], record.variants.at(-1)];
  if (lesson.exercise?.figure === 'allocBytes' && slow?.allocBytesPerRequest != null && fast?.allocBytesPerRequest != null) {
    return `allocated ${formatBytes(slow.allocBytesPerRequest)} → ${formatBytes(fast.allocBytesPerRequest)} per request`;
  }
  if (record.comparison.headline) return record.comparison.headline;
  return record.comparison.speedup === null ? null : `speedup ${record.comparison.speedup}x`;
}

const when = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

const OUTCOME_WORDS: Record<CheckOutcome, string> = {
  passed: 'passed',
  'too-slow': 'not fast enough yet',
  inconclusive: 'inconclusive',
  'wrong-answer': 'a different answer',
  unchanged: 'unchanged',
  'does-not-compile': 'did not compile',
  failed: 'a failed run',
};

function exerciseLine(t: Terminal, exercise: ExerciseProgress, threshold: number): string {
  const last = exercise.lastCheck;
  const ratio = last?.ratio != null ? `${last.ratio >= 10 ? Math.round(last.ratio) : last.ratio.toFixed(2)}x, needs ${threshold}x` : null;
  if (exercise.passedAt) {
    const since = last && last.outcome !== 'passed' ? `; the last check (${when(last.at)}): ${OUTCOME_WORDS[last.outcome]}` : '';
    return t.paint('green', `exercise ✓ passed ${when(exercise.passedAt)} UTC${last?.outcome === 'passed' && ratio ? ` (${ratio})` : ''}${since}`);
  }
  if (!last) return t.paint('dim', `exercise: not tried yet${exercise.hintsShown > 0 ? ` (${exercise.hintsShown} hint${exercise.hintsShown === 1 ? '' : 's'} seen)` : ''}`);
  return t.paint('yellow', `exercise: last check ${when(last.at)} UTC: ${OUTCOME_WORDS[last.outcome]}${ratio ? ` (${ratio})` : ''}`);
}

/** The first thing left to do in this lesson, or null when it is done. */
function nextStep(lesson: CatalogueLesson, latest: RunRecord | undefined, exercise: ExerciseProgress | null): string | null {
  const n = lesson.id;
  if (!latest) return `run lesson ${n}: npm run lesson:${n}`;
  if (!exercise || exercise.passedAt) return null;
  const file = `lessons/${lesson.slug}/exercise.ts`;
  switch (exercise.lastCheck?.outcome) {
    case undefined:
    case 'unchanged':
      return `lesson ${n}'s exercise: edit ${file}, then npm run lesson:${n} -- --exercise (or npm run watch -- ${n})`;
    case 'does-not-compile':
      return `lesson ${n}'s exercise does not compile: fix ${file} and check again`;
    case 'wrong-answer':
      return `lesson ${n}'s exercise answers differently from the slow variant: make it compute the same, then check again`;
    case 'inconclusive':
      return `lesson ${n}'s exercise was inconclusive: npm run lesson:${n} -- --exercise --rounds 5`;
    default:
      return `lesson ${n}'s exercise is not there yet: npm run lesson:${n} -- --hint, then check again`;
  }
}
