// Lesson 9 through the real CLI: a quick run times five real steps against a real registry, every
// step generates the same crate, each does its job (counted), the traces are Chrome's format,
// hyperfine agrees to be asked, and Ctrl+C leaves nothing. hyperfine is installed by CI (.ci/run).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CODEGEN_WORK_PREFIX, projectRoot } from '../../core/paths.js';
import { isAlive } from '../../core/proc-stat.js';
import type { CommandRunRecord } from '../../lab/command-record.js';
import { exerciseCopy, removeExerciseCopies, startOf } from '../helpers/exercise-copy.js';
import { removeTestHomes, runCli, startCli, startedServers, waitFor } from '../helpers/run-cli.js';

afterAll(() => {
  removeTestHomes();
  removeExerciseCopies();
});

const CHROMIUM = '/usr/bin/chromium';
const workFoldersOf = (pid: number): string[] => readdirSync(os.tmpdir()).filter((name) => name.startsWith(`${CODEGEN_WORK_PREFIX}${pid}-`));

describe('lesson 9: a code generator timed start to finish', { timeout: 180_000 }, () => {
  it('--quick --json: five steps, one crate, each step doing its job, traces to open', async () => {
    const run = await runCli(['9', '--quick', '--json']);
    expect(run.stderr).toMatch(/all 5 steps generate the same 54 files, byte for byte/);
    // Paths are printed short, then as a file:// URL a terminal can open with a click.
    expect(run.stderr).toMatch(/^record +.*results\/lesson-09\/.*\/result\.json\n {10}file:\/\/\/.*\/result\.json$/m);
    // Timing may be noise-sized on a busy machine (exit 4); never a disagreement or a failure.
    expect([0, 4], run.stderr).toContain(run.code);
    const record = JSON.parse(run.stdout) as CommandRunRecord;
    expect(record).toMatchObject({ kind: 'command', status: 'complete', options: { warmup: 1, rounds: 2, quick: true } });
    expect(record.comparison.valid).toBe(true);
    expect(record.variants.map((step) => step.name)).toEqual(['baseline', 'sqlite-cache', 'lazy-items', 'skip-unchanged', 'prefetch-needed']);
    expect(new Set(record.variants.map((step) => step.outputDigest)).size).toBe(1);
    const [baseline, cache, lazy, skip, prefetch] = record.variants as [typeof record.variants[0], typeof record.variants[0], typeof record.variants[0], typeof record.variants[0], typeof record.variants[0]];
    expect(baseline.counters).toMatchObject({ fetches: 14, filesRebuilt: 27 });
    expect(cache.counters).toMatchObject({ fetches: 2 });
    expect(lazy.counters.docsBytesParsed).toBeLessThan(cache.counters.docsBytesParsed! / 10);
    expect(lazy.peakRssMiB).toBeLessThan(cache.peakRssMiB);
    expect(skip.counters).toMatchObject({ filesWritten: 0, filesRebuilt: 0 });
    expect(prefetch.counters.maxInFlight).toBe(2);
    // The whole chain removes most of the baseline's time (about 4x here): asserted at half of 3x.
    expect(record.comparison.speedup).toBeGreaterThan(1.5);
    for (const step of record.variants) {
      expect(step.rps).toBeNull();
      for (const file of [step.trace!, step.trace!.replace('.trace.json', '.cold.trace.json')]) {
        const trace = JSON.parse(readFileSync(path.isAbsolute(file) ? file : path.join(projectRoot, file), 'utf8')) as { traceEvents: Array<{ ph: string; name: string }> };
        expect(trace.traceEvents.some((event) => event.ph === 'X' && event.name === 'px check')).toBe(true);
      }
    }
    expect(workFoldersOf(run.child.pid!)).toEqual([]);
    expect(startedServers(run.stderr).filter((server) => isAlive(server.pid))).toEqual([]);

    // The timelines page, as a browser draws it: five timelines on one scale, two fetch lanes in the last.
    expect(record.compareFlamegraphs).toMatch(/flamegraphs\/lesson-09\/.*\/timelines\.html$/);
    if (!existsSync(CHROMIUM)) return;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const file = path.isAbsolute(record.compareFlamegraphs!) ? record.compareFlamegraphs! : path.join(projectRoot, record.compareFlamegraphs!);
      await page.goto(pathToFileURL(file).href);
      const timelines = page.locator('svg.timeline');
      expect(await timelines.count()).toBe(5);
      await expect.poll(() => timelines.nth(4).locator('text', { hasText: 'fetch lane 2' }).isVisible()).toBe(true);
      expect(await timelines.nth(3).locator('text', { hasText: 'fetch lane 2' }).count()).toBe(0);
      // The whole process's span: the last step's is far shorter than the baseline's, on the same scale.
      const width = async (i: number): Promise<number> => (await timelines.nth(i).locator('rect').first().boundingBox())!.width;
      expect(await width(4)).toBeLessThan((await width(0)) / 2);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('--hyperfine: the same commands timed by hyperfine, beside the table', async () => {
    const run = await runCli(['9', '--quick', '--hyperfine', '--json']);
    expect([0, 4], run.stderr).toContain(run.code);
    const record = JSON.parse(run.stdout) as CommandRunRecord;
    for (const step of record.variants) {
      expect(step.hyperfine).toMatchObject({ runs: 2 });
      expect(step.hyperfine!.mean).toBeGreaterThan(0);
    }
    expect(run.stderr).toMatch(/hyperfine \(each step's runs back to back, not interleaved\)/);
  });

  it('--hyperfine without hyperfine on PATH: exit 2 with the line that installs it', async () => {
    const run = await runCli(['9', '--hyperfine'], { PATH: '/nonexistent' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/needs hyperfine on PATH: apt-get install -y hyperfine/);
    expect(existsSync(path.join(run.home, 'results'))).toBe(false);
  });

  it('refuses a load\'s flags, and warm-ups that are not whole runs', async () => {
    for (const [args, message] of [
      [['9', '--connections', '10'], /`--connections` does not apply to lesson 9, which times a command start to finish/],
      [['9', '--profile', 'cpu'], /`--profile` does not apply to lesson 9/],
      [['9', '--warmup', '1.5'], /`--warmup` to be a number of warm-up runs from 0 to 20 for lesson 9, got `1.5`/],
      [['9', '--param', 'fetchMs=5000'], /Expected `fetchMs` to be an integer from 0 to 1000, got `5000` \(lesson 9\)/],
      [['2', '--hyperfine'], /`--hyperfine` times a command \(lesson 9\); lesson 2 measures a server under load/],
    ] as const) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });

  it('Ctrl+C mid-run: exit 130, an aborted record, no registry, no work folder', async () => {
    const run = startCli(['9', '--quick']);
    expect(await waitFor(() => /warm-up 1\/1/.test(run.stdout), 60_000)).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.done).toBe(130);
    const servers = startedServers(run.stderr);
    expect(servers.length).toBe(1);
    expect(await waitFor(() => servers.every((server) => !isAlive(server.pid)), 5_000)).toBe(true);
    expect(workFoldersOf(run.child.pid!)).toEqual([]);
    const dir = path.join(run.home, 'results', 'lesson-09');
    const record = JSON.parse(readFileSync(path.join(dir, readdirSync(dir)[0]!, 'result.json'), 'utf8')) as CommandRunRecord;
    expect(record.status).toBe('aborted');
  });

  it('--exercise: the untouched start is refused, a changed crate is a wrong answer, the reference\'s way passes', async () => {
    const slug = '09-code-generator';
    const unchanged = await runCli(['9', '--exercise', '--quick']);
    expect(unchanged.code).toBe(1);
    expect(unchanged.stdout).toMatch(/✗ unchanged: lessons\/09-code-generator\/exercise\.ts still writes every file/);

    const wrong = exerciseCopy(slug, 'wrong', startOf(slug).replace('await writeFile(target, file.text);', "await writeFile(target, file.text.replace('@generated', '@written'));"));
    const differs = await runCli(['9', '--exercise', '--quick'], wrong.env);
    expect(differs.code).toBe(1);
    expect(differs.stdout).toMatch(/✗ a different crate: your exercise must leave the generated files exactly as lazy-items does/);
    expect(differs.stdout).toMatch(/exercise generated a different crate from lazy-items: out\/src\/lib\.rs differs/);

    const reference = readFileSync(path.join(projectRoot, 'lessons', slug, 'write-changed.ts'), 'utf8').replace('export const writeChangedFiles', 'export const exercise');
    const solved = exerciseCopy(slug, 'solved', reference);
    // 4 measured runs: a quick check's 2 read the reference at 1.095x once (inconclusive now, but close).
    const run = await runCli(['9', '--exercise', '--quick', '--rounds', '4', '--json'], solved.env);
    expect([0, 4], run.stderr).toContain(run.code);
    const record = JSON.parse(run.stdout) as CommandRunRecord;
    expect(record.exercise).toMatchObject({ reference: 'skip-unchanged', counter: 'filesRebuilt', threshold: 1.1 });
    expect(record.variants.map((step) => step.name)).toEqual(['lazy-items', 'skip-unchanged', 'exercise']);
    expect(record.variants[2]!.counters).toMatchObject({ filesRebuilt: 0, filesWritten: 0 });
    const progress = JSON.parse(readFileSync(path.join(run.home, 'progress.json'), 'utf8')) as { lessons: Record<string, { exercise: { lastCheck: { outcome: string } } }> };
    expect(progress.lessons['9']!.exercise.lastCheck.outcome).toBe(run.code === 0 ? 'passed' : 'inconclusive');
  });
});
