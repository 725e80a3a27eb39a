// progress.json: schema-versioned, updated by read-change-write through a temp file and a rename,
// so that a writer killed with SIGKILL mid-write leaves the old file whole, never half of one.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { PROGRESS_SCHEMA, exerciseProgress, readProgress, recordCheck, updateExercise } from '../../lab/progress.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-progress-'));
  dirs.push(dir);
  return path.join(dir, 'progress.json');
}

describe('progress.json', () => {
  it('starts empty, records checks, and keeps the first pass when a later check fails', async () => {
    const file = tempFile();
    expect((await readProgress(file)).progress).toEqual({ schemaVersion: PROGRESS_SCHEMA, lessons: {} });
    await recordCheck(2, { outcome: 'too-slow', ratio: 1.1, threshold: 10, runId: 'a' }, file);
    await recordCheck(2, { outcome: 'passed', ratio: 80, threshold: 10, runId: 'b' }, file);
    await recordCheck(2, { outcome: 'unchanged', ratio: null, threshold: 10, runId: null }, file);
    const exercise = exerciseProgress((await readProgress(file)).progress, 2);
    expect(exercise.lastCheck).toMatchObject({ outcome: 'unchanged', ratio: null });
    expect(exercise.passedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(PROGRESS_SCHEMA);
  });

  it('keeps an unreadable file aside instead of overwriting it', async () => {
    const file = tempFile();
    writeFileSync(file, '{"schemaVersion": 1, "lessons": {"2": ');
    const { problem } = await readProgress(file);
    expect(problem).toMatch(/is not readable progress/);
    const { movedAside } = await updateExercise(2, (exercise) => ({ ...exercise, hintsShown: 1 }), file);
    expect(readFileSync(movedAside!, 'utf8')).toBe('{"schemaVersion": 1, "lessons": {"2": ');
    expect(exerciseProgress((await readProgress(file)).progress, 2).hintsShown).toBe(1);
  });

  it('refuses a newer schema rather than guess at it', async () => {
    const file = tempFile();
    writeFileSync(file, JSON.stringify({ schemaVersion: PROGRESS_SCHEMA + 1, lessons: {} }));
    expect((await readProgress(file)).problem).toMatch(/schemaVersion 2, this hotpath reads 1/);
  });

  it('survives a writer killed with SIGKILL in the middle of its writes', { timeout: 60_000 }, async () => {
    const file = tempFile();
    // A big file (thousands of lessons' worth) makes each write take long enough to be cut.
    const big = { schemaVersion: PROGRESS_SCHEMA, lessons: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [String(1000 + i), { exercise: { lastCheck: null, passedAt: null, hintsShown: i } }])) };
    writeFileSync(file, JSON.stringify(big));
    const module = pathToFileURL(path.join(projectRoot, 'dist', 'lab', 'progress.js')).href;
    const script = `const { updateExercise } = await import(${JSON.stringify(module)}); process.stdout.write('ready\\n'); for (;;) await updateExercise(2, (e) => ({ ...e, hintsShown: e.hintsShown + 1 }), ${JSON.stringify(file)});`;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const writer = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((resolve) => writer.stdout.once('data', resolve));
      await new Promise((resolve) => setTimeout(resolve, 150 + attempt * 97));
      writer.kill('SIGKILL');
      await new Promise((resolve) => writer.once('close', resolve));
      const { progress, problem } = await readProgress(file);
      expect(problem).toBeNull();
      expect(Object.keys(progress.lessons)).toHaveLength(20_001);
    }
    expect(exerciseProgress((await readProgress(file)).progress, 2).hintsShown).toBeGreaterThan(0);
    // What a killed writer can leave is its temp file, beside the whole one.
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(path.dirname(file)).every((name) => name === 'progress.json' || name.startsWith('progress.json.tmp-'))).toBe(true);
  });
});
