// An exercise compiles on its own: a type error names file:line and emits nothing; a good one lands
// in dist/ beside its lesson. The files tried here are temporary copies in the lesson's folder (so
// that its relative imports resolve); no tracked file is edited.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { buildExercise, exerciseFiles } from '../../lab/exercise-build.js';

const created: string[] = [];
afterEach(() => {
  for (const file of created.splice(0)) rmSync(file, { force: true });
});

/** A copy of lesson 2's starting exercise under another name, edited by `change`. */
function tryExercise(change: (text: string) => string): { source: string; emitted: string } {
  const files = exerciseFiles('02-held-lock');
  const name = `.exercise-test-${process.pid}-${created.length}`;
  const source = path.join(path.dirname(files.source), `${name}.ts`);
  const emitted = path.join(projectRoot, 'dist', 'lessons', '02-held-lock', `${name}.js`);
  writeFileSync(source, change(readFileSync(files.start, 'utf8')));
  created.push(source, emitted, `${emitted}.map`);
  return { source, emitted };
}

describe('buildExercise', { timeout: 30_000 }, () => {
  it('compiles the starting exercise into dist/, beside its lesson', () => {
    const { source, emitted } = tryExercise((text) => text);
    expect(buildExercise({ ...exerciseFiles('02-held-lock'), source, compiled: emitted })).toEqual({ ok: true, compiled: emitted });
    expect(readFileSync(emitted, 'utf8')).toContain('export const exercise');
  });

  it('reports a type error with file:line and emits nothing', () => {
    const { source, emitted } = tryExercise((text) => text.replace('sumUserIds(userIds)', 'sumUserIds(userIdz)'));
    const outcome = buildExercise({ ...exerciseFiles('02-held-lock'), source, compiled: emitted });
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? [] : outcome.errors).toEqual([expect.stringMatching(/^lessons\/02-held-lock\/\.exercise-test-\d+-\d+\.ts:\d+:\d+ error TS2552: Cannot find name 'userIdz'/)]);
    expect(existsSync(emitted)).toBe(false);
  });

  it('says so when the exercise file is missing', () => {
    const files = exerciseFiles('02-held-lock');
    const outcome = buildExercise({ ...files, source: path.join(path.dirname(files.source), 'no-such-exercise.ts') });
    expect(outcome).toEqual({ ok: false, errors: [expect.stringMatching(/no-such-exercise\.ts is missing \(restore it with --reset\)/)] });
  });
});
