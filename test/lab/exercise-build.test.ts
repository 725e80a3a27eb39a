// An exercise compiles on its own: a type error names file:line and emits nothing; a good one lands
// in dist/ beside its lesson; the main build never sees an exercise. The files tried here are
// copies in the lesson's folder (so that its relative imports resolve); no tracked file is edited.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { buildExercise, exerciseFiles } from '../../lab/exercise-build.js';
import { lessons } from '../../lessons/catalog.js';
import { exerciseCopy, removeExerciseCopies, startOf } from '../helpers/exercise-copy.js';

afterAll(removeExerciseCopies);

describe('buildExercise', { timeout: 30_000 }, () => {
  it('compiles the starting exercise into dist/, beside its lesson', () => {
    const copy = exerciseCopy('02-held-lock', 'build', startOf('02-held-lock'));
    expect(buildExercise(exerciseFiles('02-held-lock', copy.file))).toEqual({ ok: true, compiled: copy.compiled });
    expect(readFileSync(copy.compiled, 'utf8')).toContain('export const exercise');
  });

  it('reports a type error with file:line and emits nothing', () => {
    const copy = exerciseCopy('02-held-lock', 'typo', startOf('02-held-lock').replace('sumUserIds(userIds)', 'sumUserIds(userIdz)'));
    const outcome = buildExercise(exerciseFiles('02-held-lock', copy.file));
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? [] : outcome.errors).toEqual([expect.stringMatching(/^lessons\/02-held-lock\/exercise\.copy-typo-\d+-\d+\.ts:\d+:\d+ error TS2552: Cannot find name 'userIdz'/)]);
    expect(existsSync(copy.compiled)).toBe(false);
  });

  it('compiles every lesson\'s starting exercise, which exports `exercise` (a refactor of the lessons cannot leave one broken)', async () => {
    for (const lesson of lessons.filter((l) => l.exercise)) {
      const copy = exerciseCopy(lesson.slug, 'start', startOf(lesson.slug));
      const built = buildExercise(exerciseFiles(lesson.slug, copy.file));
      expect(built, lesson.slug).toEqual({ ok: true, compiled: copy.compiled });
      const module = (await import(pathToFileURL(copy.compiled).href)) as { exercise?: unknown };
      expect(typeof module.exercise, lesson.slug).toBe('function');
    }
  });

  it('says so when the exercise file is missing', () => {
    const files = exerciseFiles('02-held-lock', 'lessons/02-held-lock/exercise.copy-missing.ts');
    expect(buildExercise(files)).toEqual({ ok: false, errors: [expect.stringMatching(/exercise\.copy-missing\.ts is missing \(restore it with --reset\)/)] });
  });

  it('refuses an exercise file outside the lesson\'s folder (its imports would not resolve)', () => {
    expect(() => exerciseFiles('02-held-lock', 'lessons/03-clone-in-loop/exercise.ts')).toThrow(/expected a \.ts file in lessons\/02-held-lock\//);
  });

  it('leaves every exercise, and any copy of one, out of the main build and the type check', () => {
    // A broken copy sits in the folder while the configs are read: it must not be among their files.
    exerciseCopy('03-clone-in-loop', 'broken', 'export const exercise: number = "not a number";\n');
    for (const config of ['tsconfig.json', 'tsconfig.build.json']) {
      const read = ts.readConfigFile(path.join(projectRoot, config), (file) => ts.sys.readFile(file));
      const files = ts.parseJsonConfigFileContent(read.config, ts.sys, projectRoot).fileNames.map((file) => path.relative(projectRoot, file));
      expect(files.filter((file) => /^lessons\/[^/]+\/exercise/.test(file))).toEqual([]);
      expect(files).toContain('lessons/02-held-lock/slow.ts');
    }
  });
});
