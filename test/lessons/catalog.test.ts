// Content declared as data, checked here: every lesson folder is registered, complete, and its
// variants compute the same answer.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { fetchAnswers, findBrokenPage, findMismatch } from '../../lab/equivalence.js';
import { resolveProfile, type DbSpec, type Lesson } from '../../core/lesson.js';
import { commandLessons, everyLesson, findLesson, lessons } from '../../lessons/catalog.js';
import { locustfileFor } from '../../loadtests/drivers.js';
import { LOCUSTFILES_DIR } from '../../loadtests/locust-driver.js';

const lessonsDir = path.join(projectRoot, 'lessons');
const folders = readdirSync(lessonsDir).filter((name) => statSync(path.join(lessonsDir, name)).isDirectory());
/** Beside the lesson folders (`NN-slug`), only the code lessons share. */
const SUPPORT_FOLDER = 'support';

describe('lesson catalogue', () => {
  it('registers every lesson folder, once, in order', () => {
    expect(everyLesson.map((lesson) => lesson.slug)).toEqual(folders.filter((name) => /^\d\d-/.test(name)).sort());
    expect(folders.filter((name) => !/^\d\d-/.test(name))).toEqual([SUPPORT_FOLDER]);
    const ids = everyLesson.map((lesson) => lesson.id);
    expect(new Set(ids).size).toBe(ids.length);
    everyLesson.forEach((lesson) => expect(lesson.slug.startsWith(String(lesson.id).padStart(2, '0'))).toBe(true));
  });

  it.each(commandLessons.map((lesson) => [lesson.slug, lesson] as const))('%s (a command timed start to finish) has prose, a script and sane data', (_slug, lesson) => {
    expect(existsSync(path.join(lessonsDir, lesson.slug, 'README.md'))).toBe(true);
    expect(existsSync(path.join(lessonsDir, lesson.slug, 'lesson.ts'))).toBe(true);
    const scripts = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts[`lesson:${lesson.id}`]).toBe(`npm run -s lesson -- ${lesson.id}`);
    expect(lesson.steps.length).toBeGreaterThanOrEqual(2);
    expect(new Set(lesson.steps.map((step) => step.name)).size).toBe(lesson.steps.length);
    for (const spec of lesson.params) {
      expect(spec.default).toBeGreaterThanOrEqual(spec.min);
      expect(spec.default).toBeLessThanOrEqual(spec.max);
    }
  });

  it.each(lessons.map((lesson) => [lesson.slug, lesson] as const))('%s has prose, a lesson.ts and sane data', (_slug, lesson) => {
    expect(existsSync(path.join(lessonsDir, lesson.slug, 'README.md'))).toBe(true);
    expect(existsSync(path.join(lessonsDir, lesson.slug, 'lesson.ts'))).toBe(true);
    expect(existsSync(path.join(LOCUSTFILES_DIR, locustfileFor(lesson)))).toBe(true);
    // `npm run lesson:N`, as the README and the lesson's own prose say.
    const scripts = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts[`lesson:${lesson.id}`]).toBe(`npm run -s lesson -- ${lesson.id}`);
    expect(lesson.variants.length).toBeGreaterThanOrEqual(2);
    for (const spec of lesson.params) {
      expect(spec.default).toBeGreaterThanOrEqual(spec.min);
      expect(spec.default).toBeLessThanOrEqual(spec.max);
    }
  });
});

describe('slow and fast variants compute the same answer', () => {
  // Site lessons (4, 5) answer many paths, not one JSON value: test/lessons/site-lessons.test.ts.
  const comparable = lessons.filter((lesson) => lesson.equivalentAnswers && !lesson.site);
  const madeDirs: string[] = [];
  afterAll(() => madeDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  /** A lesson's database, when it has one: its SQLite file, made in a temp folder. */
  const dbFor = (lesson: Lesson): DbSpec | null => {
    if (!lesson.database) return null;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-test-'));
    madeDirs.push(dir);
    const file = path.join(dir, lesson.database.sqliteFile);
    lesson.database.ensureSqlite(file);
    return { kind: 'sqlite', file };
  };
  it.each(comparable.map((lesson) => [lesson.slug, lesson] as const))('%s at its default parameters', async (_slug, lesson) => {
    const params = Object.fromEntries(lesson.params.map((spec) => [spec.name, spec.default]));
    const answers = await fetchAnswers(lesson, params, dbFor(lesson));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(findMismatch(answers)).toBeNull();
    expect(findBrokenPage(lesson, answers)).toBeNull();
  });

  it.each(comparable.map((lesson) => [lesson.slug, lesson] as const))('%s at other parameters', async (_slug, lesson) => {
    // Small values, not the defaults: the answer must not be tuned to one input.
    const params = Object.fromEntries(lesson.params.map((spec) => [spec.name, Math.min(spec.max, spec.min + 6)]));
    const answers = await fetchAnswers(lesson, params, dbFor(lesson));
    expect(findMismatch(answers)).toBeNull();
  });

  it('notices a variant that answers differently', () => {
    const mismatch = findMismatch([
      { variant: 'slow', status: 200, body: '{"sum":6,"n":1}' },
      { variant: 'same', status: 200, body: '{"n":1,"sum":6}' },
      { variant: 'wrong', status: 200, body: '{"sum":7,"n":1}' },
    ]);
    expect(mismatch?.other.variant).toBe('wrong');
  });
});

describe('profiling by lesson', () => {
  it('each lesson names its default; lesson 5 drops its profile in --quick; --profile always wins', () => {
    const find = findLesson;
    expect(resolveProfile(find(3)!, null, false)).toBe('both');
    expect(resolveProfile(find(3)!, null, true)).toBe('both');
    expect(resolveProfile(find(5)!, null, false)).toBe('cpu');
    expect(resolveProfile(find(5)!, null, true)).toBe('none');
    expect(resolveProfile(find(5)!, 'alloc', true)).toBe('alloc');
    expect(resolveProfile(find(3)!, 'none', false)).toBe('none');
    expect(resolveProfile(find(2)!, null, false)).toBe('none');
  });
});
