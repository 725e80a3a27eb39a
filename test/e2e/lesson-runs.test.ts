// End to end, real processes: the CLI starts real servers, drives real load, writes real graphs.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALLOC_PASS } from '../../core/defaults.js';
import { isAlive } from '../../core/proc-stat.js';
import type { RunRecord } from '../../lab/run-record.js';
import { sweepLeftovers } from '../../lab/sweep.js';
import { exitCodeFor, labProcessPids, leftovers, removeTestHomes, runCli, startCli, startedServers, waitFor } from '../helpers/run-cli.js';

const E2E_TIMEOUT = 120_000;

afterAll(removeTestHomes);

describe('npm run lesson, end to end', { timeout: E2E_TIMEOUT }, () => {
  it('lesson 2 --quick: held Mutex at 1000/dbMs, early release 10x faster, nothing left behind', async () => {
    // dbMs=40, not the default: the theory must follow the parameter (bound 25 req/s).
    const run = await runCli(['2', '--quick', '--json', '--param', 'dbMs=40']);
    const record = JSON.parse(run.stdout) as RunRecord;
    expect(run.code).toBe(exitCodeFor(record));
    expect(record.status).toBe('complete');
    expect(record.comparison.valid).toBe(true); // no errors, no timeouts, generator under 90%
    expect(record.params).toEqual({ dbMs: 40 });
    const rps = Object.fromEntries(record.variants.map((v) => [v.name, v.rps]));
    expect(rps['held-mutex']! / 25).toBeGreaterThan(0.75);
    expect(rps['held-mutex']! / 25).toBeLessThan(1.25);
    expect(rps['mutex-early-release']! / rps['held-mutex']!).toBeGreaterThanOrEqual(10);
    expect(rps['rwlock-early-release']! / rps['held-mutex']!).toBeGreaterThanOrEqual(10);
    expect(record.variants[0]?.name).toBe('held-mutex');
    expect(record.variants[0]?.lockWait?.maxQueue).toBeGreaterThan(50);
    expect(record.comparison.expected.heldRps).toBe(25);
    expect(record.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    // The record on stdout is the one on disk.
    const onDisk = JSON.parse(readFileSync(path.join(run.home, 'results', 'lesson-02', record.runId, 'result.json'), 'utf8')) as RunRecord;
    expect(onDisk).toEqual(record);
    expect(startedServers(run.stderr).map((s) => s.label).sort()).toEqual(['ceiling', 'held-mutex', 'mutex-early-release', 'rwlock-early-release']); // started together
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });

  it('lesson 3 --quick: 0x graphs, heap profiles, diffs, a compare page, and top CPU and allocating frames', async () => {
    const run = await runCli(['3', '--quick', '--json']);
    const record = JSON.parse(run.stdout) as RunRecord;
    expect(record.variants.map((v) => v.name)).toEqual(['clone-every-round', 'no-clone']);
    for (const variant of record.variants) {
      expect(variant.profiler).toBe('0x');
      expect(variant.flamegraph).not.toBeNull();
      const graph = path.resolve(variant.flamegraph!);
      expect(statSync(graph).size).toBeGreaterThan(10_000);
      expect(variant.topFrames.length).toBeGreaterThan(0);
      expect(variant.topFrames.every((f) => f.selfPct > 0 && f.selfPct <= 100)).toBe(true);
    }
    // Bytes allocated per request, from V8's GC accounting: the copy makes one array per round, at
    // least its 16-byte header each (1,000,000 rounds), and no-clone far less.
    const [clone, noClone] = record.variants as [RunRecord['variants'][number], RunRecord['variants'][number]];
    expect(clone.allocBytesPerRequest).toBeGreaterThan(1_000_000 * 16);
    expect(noClone.allocBytesPerRequest).toBeLessThan(clone.allocBytesPerRequest! / 3);
    // The handlers are named, at their hot line in the .ts source the learner edits (the loop's).
    const hot = /cloneEveryRoundHandler lessons\/03-clone-in-loop\/slow\.ts:(\d+)/.exec(clone.topFrames.map((f) => f.name).join('\n'));
    expect(readFileSync(path.join('lessons', '03-clone-in-loop', 'slow.ts'), 'utf8').split('\n')[Number(hot?.[1]) - 1]).toContain('slice().reverse()');
    expect(clone.topFramesFrom).toBe('windows');
    // The allocation pass: the clone's bytes under slice, called from its handler; files beside the page.
    expect(clone.allocFrames![0]!.name).toMatch(/^slice \[built-in\] ← cloneEveryRoundHandler lessons\/03-clone-in-loop\/slow\.ts:\d+$/);
    expect(clone.allocFrames![0]!.pct).toBeGreaterThan(50);
    expect(noClone.allocFrames!.some((f) => f.name.startsWith('slice [built-in] ← noCloneHandler'))).toBe(false);
    // The pass allocates as the rounds did (array built-ins not inlined moves bytes between frames, not their amount).
    const passRatio = clone.allocPass!.allocBytesPerRequest! / clone.allocBytesPerRequest!;
    expect(Math.abs(passRatio - 1)).toBeLessThanOrEqual(ALLOC_PASS.tolerance);
    for (const variant of record.variants) expect(JSON.parse(readFileSync(path.resolve(variant.allocProfile!), 'utf8')).head.children.length).toBeGreaterThan(0);
    expect(record.diffs!.map((d) => `${d.kind} ${d.subject} ${d.baseline}`).sort()).toEqual(['alloc clone-every-round no-clone', 'cpu clone-every-round no-clone']);
    for (const diff of record.diffs!) {
      const lines = readFileSync(path.resolve(diff.file), 'utf8').trim().split('\n');
      expect(lines.length).toBeGreaterThan(5);
      expect(lines.every((line) => / \d+ \d+$/.test(line))).toBe(true);
    }
    expect(existsSync(path.resolve(record.compareFlamegraphs!))).toBe(true);
    expect(readFileSync(path.join(run.home, 'flamegraphs', 'index.html'), 'utf8')).toContain(record.runId);
    // 0x's ~17 MB of V8 logs are not kept.
    expect(run.stdout).not.toContain('isolate-');
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });

  it('a gallery that cannot be written costs the pictures, not the run: the record is kept', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'hotpath-test-'));
    try {
      writeFileSync(path.join(home, 'flamegraphs'), 'a file where the gallery folder should be');
      const run = await runCli(['3', '--quick', '--duration', '2', '--warmup', '0', '--param', 'iterations=200000', '--json'], { HOTPATH_HOME: home });
      expect(run.code === 0 || run.code === 1).toBe(true); // judged, not an internal error (3)
      const record = JSON.parse(run.stdout) as RunRecord;
      expect(record.status).toBe('complete');
      expect(record.variants.every((v) => v.profiler === '0x' && v.flamegraph === null && v.topFrames.length > 0)).toBe(true);
      expect(record.compareFlamegraphs).toBeNull();
      expect(record.comparison.notes.join('\n')).toMatch(/profiles could not all be published to the gallery .*still in the run folder/);
      const dir = path.join(home, 'results', 'lesson-03', record.runId);
      expect(JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8'))).toEqual(record);
      // The next run's sweep keeps this finished measurement.
      const previous = process.env.HOTPATH_HOME;
      process.env.HOTPATH_HOME = home;
      try {
        await sweepLeftovers();
      } finally {
        if (previous === undefined) delete process.env.HOTPATH_HOME;
        else process.env.HOTPATH_HOME = previous;
      }
      expect(existsSync(path.join(dir, 'result.json'))).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('Ctrl+C mid-run: exit 130, an aborted record, no server and no port left', async () => {
    const run = startCli(['2', '--quick']);
    expect(await waitFor(() => /server held-mutex pid=/.test(run.stderr), 30_000)).toBe(true);
    run.child.kill('SIGINT');
    const code = await run.done;
    expect(code).toBe(130);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
    const runId = /results\/lesson-02\/(\S+)\/result\.json/.exec(run.stderr)?.[1];
    expect(runId).toBeDefined();
    const record = JSON.parse(readFileSync(path.join(run.home, 'results', 'lesson-02', runId!, 'result.json'), 'utf8')) as RunRecord;
    expect(record.status).toBe('aborted');
    expect(record.comparison.agreesWithTheory).toBe(false);
  });

  it('Ctrl+C twice while 0x writes a graph: exit 130 at once, no 0x and no server left', async () => {
    const run = startCli(['3', '--quick']);
    expect(await waitFor(() => /0x is writing the flame graph/.test(run.stdout), 60_000)).toBe(true);
    run.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    run.child.kill('SIGINT');
    const started = Date.now();
    expect(await run.done).toBe(130);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await waitFor(() => labProcessPids(run.home, '0x/cmd.js').length === 0, 5_000)).toBe(true);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });

  it('kill -9 of the runner under 0x: server and 0x exit on their own', async () => {
    const run = startCli(['3', '--quick']);
    expect(await waitFor(() => /server clone-every-round pid=/.test(run.stderr), 30_000)).toBe(true);
    expect(labProcessPids(run.home, '0x/cmd.js').length).toBeGreaterThan(0);
    run.child.kill('SIGKILL');
    await run.done;
    // The server notices within ~1 s; 0x then writes its graph (a few seconds) and exits.
    expect(await waitFor(() => labProcessPids(run.home, '0x/cmd.js').length === 0, 30_000)).toBe(true);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });

  it('two runners at once in one HOTPATH_HOME: each keeps its run folder and writes its record', async () => {
    const first = startCli(['3', '--quick', '--no-flamegraph', '--duration', '1', '--warmup', '0', '--param', 'iterations=1000', '--json']);
    const second = startCli(['3', '--quick', '--no-flamegraph', '--duration', '1', '--warmup', '0', '--param', 'iterations=1000', '--json'], { HOTPATH_HOME: first.home });
    const codes = await Promise.all([first.done, second.done]);
    expect(codes.every((code) => code === 0 || code === 1 || code === 4)).toBe(true); // a verdict each (4: too few rounds to judge the copies), no crash
    const records = [first, second].map((run) => JSON.parse(run.stdout) as RunRecord);
    expect(new Set(records.map((r) => r.runId)).size).toBe(2);
    for (const record of records) {
      const dir = path.join(first.home, 'results', 'lesson-03', record.runId);
      expect(record.status).toBe('complete');
      expect(JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8'))).toEqual(record);
      expect(existsSync(path.join(dir, 'runner.pid'))).toBe(false); // done with, so unmarked
    }
  });

  it('kill -9 of the runner: its server notices and exits within a few seconds', async () => {
    const run = startCli(['2', '--quick']);
    expect(await waitFor(() => startedServers(run.stderr).length > 0, 30_000)).toBe(true);
    const [server] = startedServers(run.stderr);
    run.child.kill('SIGKILL');
    await run.done;
    expect(await waitFor(() => !isAlive(server!.pid), 5_000)).toBe(true);
  });
});

describe('npm run lesson, usage errors', () => {
  it.each([
    [['99'], /Unknown lesson `99`; the lessons are 1, 2, 3/],
    [['2', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['2', '--param', 'dbMs=0'], /from 1 to 2000/],
    [[], /Expected a lesson number/],
  ])('%j exits 2 with one clear line', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('--help exits 0 and lists the lesson parameters', async () => {
    const run = await runCli(['2', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--param dbMs=<n>/);
  });
});
