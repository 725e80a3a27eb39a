// The exercise loop end to end, through the real CLI on copies of the exercises (never the tracked
// files): the untouched start is refused, a type error names file:line, a different answer is
// shown beside the slow variant's, the reference in the exercise's place passes (lessons 2 and 4,
// whose references win by far more than their thresholds), progress remembers it, and hint,
// solution and reset do what they say. Watch mode re-checks on a save and stops on SIGINT.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { isAlive } from '../../core/proc-stat.js';
import { exerciseProgress, readProgress } from '../../lab/progress.js';
import type { RunRecord } from '../../lab/run-record.js';
import { lessons } from '../../lessons/catalog.js';
import { exerciseCopy, removeExerciseCopies, startOf } from '../helpers/exercise-copy.js';
import { exitCodeFor, labProcessPids, leftovers, removeTestHomes, runCli, startCli, startedServers, waitFor } from '../helpers/run-cli.js';

afterAll(() => {
  removeExerciseCopies();
  removeTestHomes();
});

const LESSON_2 = '02-held-lock';
const LESSON_4 = '04-upstream-every-request';

async function progressOf(home: string, lesson: number) {
  return exerciseProgress((await readProgress(path.join(home, 'progress.json'))).progress, lesson);
}

function recordsIn(home: string, lesson: number): RunRecord[] {
  const dir = path.join(home, 'results', `lesson-0${lesson}`);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((id) => existsSync(path.join(dir, id, 'result.json')))
    .map((id) => JSON.parse(readFileSync(path.join(dir, id, 'result.json'), 'utf8')) as RunRecord);
}

describe('npm run lesson:N -- --exercise', { timeout: 120_000 }, () => {
  it('refuses the starting exercise: exit 1, says it is unchanged and how to begin, measures nothing', async () => {
    // Line endings and trailing blanks do not make an exercise "changed".
    const copy = exerciseCopy(LESSON_2, 'start', `${startOf(LESSON_2).replaceAll('\n', '  \r\n')}\n\n`);
    const run = await runCli(['2', '--exercise'], copy.env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`✗ unchanged: ${copy.relative} is still the slow handler it started as`);
    expect(run.stdout).toContain('npm run lesson:2 -- --hint');
    expect(startedServers(run.stderr)).toEqual([]);
    expect(recordsIn(run.home, 2)).toEqual([]);
    expect((await progressOf(run.home, 2)).lastCheck).toMatchObject({ outcome: 'unchanged', runId: null });
  });

  it('stops at a type error with file:line, exit 2, and leaves the other lessons and exercises alone', async () => {
    const broken = exerciseCopy(LESSON_2, 'typo', startOf(LESSON_2).replace('sumUserIds(userIds)', 'sumUserIds(userIdz)'));
    const run = await runCli(['2', '--exercise'], broken.env);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(new RegExp(`${broken.relative.replaceAll('.', '\\.')}:\\d+:\\d+ error TS2552: Cannot find name 'userIdz'`));
    expect(startedServers(run.stderr)).toEqual([]);
    expect((await progressOf(run.home, 2)).lastCheck?.outcome).toBe('does-not-compile');
    // The broken copy stays in lesson 2's folder while lesson 2's own variants serve (serve mode
    // loads every lesson's compiled module) and lesson 4's exercise is checked below.
    const serve = startCli(['2', '--serve', 'held-mutex', '--param', 'dbMs=1']);
    expect(await waitFor(() => serve.stdout.includes('HOTPATH_SERVING'), 30_000)).toBe(true);
    serve.child.kill('SIGINT');
    expect(await serve.done).toBe(0);
  });

  it('shows the request and both answers when the exercise answers differently, exit 1, before any timing', async () => {
    const copy = exerciseCopy(LESSON_2, 'wrong', startOf(LESSON_2).replace('return { sum: sumUserIds(userIds) };', 'return { sum: sumUserIds(userIds) + 1 };'));
    const run = await runCli(['2', '--exercise', '--quick', '--param', 'dbMs=5'], copy.env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ a different answer:');
    expect(run.stdout).toMatch(/request\s+GET \/lessons\/2\/exercise\?dbMs=5/);
    expect(run.stdout).toMatch(/held-mutex and rwlock-early-release\s+200 \{"sum":6\}/);
    expect(run.stdout).toMatch(/your exercise\s+200 \{"sum":7\}/);
    expect(run.stdout).not.toMatch(/round 1\//);
    expect(startedServers(run.stderr)).toEqual([]);
    expect((await progressOf(run.home, 2)).lastCheck?.outcome).toBe('wrong-answer');
  });

  it('says so when the exercise throws instead of serving: exit 1, the learner\'s error, not an internal one', async () => {
    const copy = exerciseCopy(LESSON_2, 'throws', "import type { VariantFactory } from '../../core/lesson.js';\nexport const exercise: VariantFactory = () => { throw new Error('not yet written'); };\n");
    const run = await runCli(['2', '--exercise', '--quick'], copy.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/hotpath: your exercise's `exercise` factory threw before serving anything: Error: not yet written/);
    expect(run.stderr).not.toContain('internal error');
    expect((await progressOf(run.home, 2)).lastCheck?.outcome).toBe('failed');
  });

  it.each([
    [2, LESSON_2, "export { rwlockEarlyRelease as exercise } from './fast.js';\n"],
    [4, LESSON_4, "export { cachedMapBackgroundRefresh as exercise } from './fast.js';\n"],
  ])('passes lesson %i with the reference in the exercise\'s place: exit 0, recorded, remembered', async (lesson, slug, text) => {
    const copy = exerciseCopy(slug, 'reference', text);
    const run = await runCli([String(lesson), '--exercise', '--quick'], copy.env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('✓ exercise passed');
    const [record] = recordsIn(run.home, lesson);
    expect(record?.exercise).toMatchObject({ source: copy.relative, figure: 'rps' });
    expect(record?.variants.map((v) => v.variant)).toEqual([record?.variants[0]?.variant, record?.exercise?.reference, 'exercise']);
    const threshold = record!.exercise!.threshold;
    const checked = await progressOf(run.home, lesson);
    expect(checked.passedAt).not.toBeNull();
    expect(checked.lastCheck).toMatchObject({ outcome: 'passed', threshold, runId: record!.runId });
    expect(checked.lastCheck!.ratio).toBeGreaterThanOrEqual(threshold);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
    // The catalogue shows the pass, and does not take the check for a run of the lesson.
    const listing = await runCatalogue(run.home);
    // The ratio prints as 86x from 10x up and as 9.85x below.
    expect(listing).toMatch(new RegExp(`exercise ✓ passed \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\(\\d+(\\.\\d\\d)?x, needs ${threshold}x\\)`));
    expect(listing).toMatch(new RegExp(`${lesson} {2}.*·  not run yet`));
  });
});

describe('lesson 6: an exercise that exports `cluster = true`', { timeout: 120_000 }, () => {
  it('is served as a node:cluster of one worker per core, and judged like any other (no ratio asserted: theory says under 2x here)', async () => {
    const copy = exerciseCopy('06-share-nothing', 'cluster', "export { perWorkerFortunesPage as exercise, cluster } from './fast.js';\n");
    const run = await runCli(['6', '--exercise', '--quick', '--param', 'rows=2000'], copy.env);
    const [record] = recordsIn(run.home, 6);
    expect(record?.variants.map((v) => [v.variant, v.processes])).toEqual([['one-process', 1], ['cluster', os.availableParallelism()], ['exercise', os.availableParallelism()]]);
    expect(run.code).toBe(exitCodeFor(record!));
    expect(run.stdout).toMatch(/your exercise: [\d.]+ cores busy/);
    expect(await waitFor(() => labProcessPids(run.home, '').length === 0, 5_000)).toBe(true);
  });
});

function runCatalogue(home: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'dist', 'lab', 'catalogue-cli.js')], { env: { ...process.env, HOTPATH_HOME: home, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('close', () => resolve(out));
  });
}

describe('--hint, --solution, --reset', { timeout: 30_000 }, () => {
  it('reveals the hints one at a time and says how many are left', async () => {
    const first = await runCli(['3', '--hint']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/hint 1 of 3 {2}\S/);
    expect(first.stdout).not.toContain('hint 2 of 3');
    expect(first.stdout).toContain('2 more hints');
    const home = { HOTPATH_HOME: first.home };
    const second = await runCli(['3', '--hint'], home);
    expect(second.stdout).toMatch(/hint 1 of 3[\s\S]*hint 2 of 3/);
    expect(second.stdout).toContain('1 more hint:');
    await runCli(['3', '--hint'], home);
    const fourth = await runCli(['3', '--hint'], home);
    expect(fourth.stdout).toContain('hint 3 of 3');
    expect(fourth.stdout).toContain('no hints left');
    expect((await progressOf(first.home, 3)).hintsShown).toBe(3);
  });

  it('prints the reference against the start as a diff', async () => {
    const run = await runCli(['2', '--solution']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--- lessons/02-held-lock/exercise.start.ts');
    expect(run.stdout).toContain('+++ lessons/02-held-lock/fast.ts');
    expect(run.stdout).toMatch(/^\+.*acquireRead/m);
    expect(run.stdout).toMatch(/^-.*mutex\.acquire/m);
  });

  it('puts the start back, keeps the learner\'s version aside, and forgets only when asked', async () => {
    const copy = exerciseCopy(LESSON_2, 'reset', '// my attempt\n');
    const hint = await runCli(['2', '--hint'], copy.env);
    const env = { ...copy.env, HOTPATH_HOME: hint.home };
    const reset = await runCli(['2', '--reset'], env);
    expect(reset.code).toBe(0);
    expect(readFileSync(copy.file, 'utf8')).toBe(startOf(LESSON_2));
    const kept = reset.stdout.match(/your version is kept in (\S+)/)?.[1];
    expect(readFileSync(path.resolve(projectRoot, kept!), 'utf8')).toBe('// my attempt\n');
    expect((await progressOf(hint.home, 2)).hintsShown).toBe(1);
    const forget = await runCli(['2', '--reset', '--forget'], env);
    expect(forget.code).toBe(0);
    expect((await progressOf(hint.home, 2)).hintsShown).toBe(0);
  });

  it('refuses a lesson without an exercise, and --hint with other flags', async () => {
    const none = await runCli(['1', '--hint']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`lesson 1 has no exercise (lessons ${lessons.filter((l) => l.exercise).map((l) => l.id).join(', ')} have one)`);
    const mixed = await runCli(['2', '--hint', '--quick']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('`--quick` does not go with `--hint`');
  });
});

describe('npm run watch -- N', { timeout: 90_000 }, () => {
  it('checks at once, again after a save (stopping nothing left), and exits 0 on SIGINT leaving no process', async () => {
    const copy = exerciseCopy(LESSON_2, 'watch', startOf(LESSON_2));
    const home = startCli(['--help']).home; // a fresh HOTPATH_HOME (the --help run exits at once)
    const watcher = spawn(process.execPath, [path.join(projectRoot, 'dist', 'lab', 'watch-cli.js'), '2', '--quick'], {
      env: { ...process.env, ...copy.env, HOTPATH_HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    watcher.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    watcher.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => watcher.once('close', resolve));
    expect(await waitFor(() => out.includes('✗ unchanged') && out.includes('save it to check again'), 30_000)).toBe(true);
    // A save: the reference in its place. The check starts measuring; SIGINT arrives mid-run.
    writeFileSync(copy.file, "export { rwlockEarlyRelease as exercise } from './fast.js';\n");
    expect(await waitFor(() => out.includes('— check 2, '), 10_000)).toBe(true);
    expect(await waitFor(() => startedServers(err).length === 3, 60_000)).toBe(true);
    watcher.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await leftovers(err)).toEqual({ alive: [], bound: [] });
    expect(labProcessPids(home, 'dist/lab/cli.js').filter(isAlive)).toEqual([]);
  });
});
