// What the console shows of a lesson: its data (parameters with their ranges, variants, default
// load, exercise), its README rendered with marked, and its run history from the records.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot, resultsDir } from '../core/paths.js';
import { everyLesson, isCommandLesson, type AnyLesson } from '../lessons/catalog.js';
import { exerciseProgress, readProgress } from '../lab/progress.js';
import { DRIVERS, PROFILE_CHOICES } from '../core/run-options.js';
import { LIMITS } from '../core/defaults.js';
import { fileUrl } from './file-urls.js';
import { readmeToHtml } from './readme-html.js';

export interface LessonSummary {
  id: number;
  slug: string;
  title: string;
  kind: 'load' | 'command';
  story: string;
  exercise: { passed: boolean; lastOutcome: string | null } | null;
}

export async function lessonSummaries(): Promise<LessonSummary[]> {
  const { progress } = await readProgress();
  return everyLesson.map((lesson) => {
    const mine = exerciseProgress(progress, lesson.id);
    return {
      id: lesson.id,
      slug: lesson.slug,
      title: lesson.title,
      kind: isCommandLesson(lesson) ? 'command' : 'load',
      story: lesson.story.id,
      exercise: lesson.exercise ? { passed: mine.passedAt !== null, lastOutcome: mine.lastCheck?.outcome ?? null } : null,
    };
  });
}

export async function lessonDetail(lesson: AnyLesson): Promise<Record<string, unknown>> {
  const readme = await readFile(path.join(projectRoot, 'lessons', lesson.slug, 'README.md'), 'utf8').catch(() => `# ${lesson.title}\n`);
  const common = {
    id: lesson.id,
    slug: lesson.slug,
    title: lesson.title,
    story: lesson.story,
    params: lesson.params.map((spec) => ({ ...spec })),
    readmeHtml: readmeToHtml(readme, lesson.slug),
    hasExercise: lesson.exercise !== undefined,
  };
  if (isCommandLesson(lesson)) return { ...common, kind: 'command', steps: lesson.steps.map((s) => ({ name: s.name, summary: s.summary })), runs: lesson.runs, quickRuns: lesson.quickRuns };
  return {
    ...common,
    kind: 'load',
    variants: lesson.variants.map((v) => ({ name: v.name, summary: v.summary })),
    load: { connections: lesson.load.connections, duration: lesson.load.duration, warmup: lesson.load.warmup, rounds: lesson.load.rounds ?? null, preferredDriver: lesson.load.preferredDriver ?? null },
    profile: lesson.profile,
    choices: { drivers: DRIVERS, profiles: PROFILE_CHOICES, limits: LIMITS },
  };
}

/** The lesson's records, newest first: run id, status, verdict and where its page is. */
export async function runHistory(lessonId: number): Promise<Array<Record<string, unknown>>> {
  const dir = resultsDir(lessonId);
  const ids = (await readdir(dir).catch(() => [] as string[])).filter((name) => /^\d{8}-\d{6}-[0-9a-f]{4}$/.test(name)).sort().reverse();
  const rows: Array<Record<string, unknown>> = [];
  for (const id of ids) {
    try {
      const record = JSON.parse(await readFile(path.join(dir, id, 'result.json'), 'utf8')) as {
        status: string; driver?: string; comparison: { verdict?: string; valid: boolean; headline?: string; speedup?: number | null }; compareFlamegraphs?: string | null; exercise?: unknown;
      };
      rows.push({ runId: id, status: record.status, driver: record.driver ?? null, verdict: record.comparison.verdict ?? null, valid: record.comparison.valid,
        headline: record.comparison.headline ?? null, speedup: record.comparison.speedup ?? null,
        pageUrl: record.compareFlamegraphs ? fileUrl(record.compareFlamegraphs) : null, recordUrl: fileUrl(path.join(dir, id, 'result.json')), exercise: record.exercise !== undefined });
    } catch {
      // a run folder without a readable record (one running now, or killed): not history yet
    }
  }
  return rows;
}
