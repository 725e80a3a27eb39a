// wrk as the load driver, end to end: real lessons, real wrk processes. wrk is optional for a
// learner, but CI installs it: with CI=true these tests run (and fail without it), never skip.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../lab/run-record.js';
import { findLesson } from '../../lessons/catalog.js';
import { wrkOnPath } from '../../loadtests/wrk-install.js';
import { labProcessPids, leftovers, removeTestHomes, runCli, startCli, waitFor } from '../helpers/run-cli.js';

afterAll(removeTestHomes);

/** wrk processes a test run started: their command line names the project's script. */
const wrkPids = (home: string): number[] => labProcessPids(home, 'hotpath.lua');

describe.skipIf(wrkOnPath() === null && process.env.CI !== 'true')('--driver wrk, end to end', { timeout: 150_000 }, () => {
  it('lesson 2 --quick: the held Mutex at 1000/dbMs, the early releases near 100/dbMs', async () => {
    const run = await runCli(['2', '--quick', '--json', '--driver', 'wrk']);
    expect(run.code, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout) as RunRecord;
    expect(record.driver).toBe('wrk');
    expect(record.options.driverChosenBy).toBe('flag');
    expect(run.stderr).toContain('driver wrk (C, 1 thread)');
    const held = record.variants.find((v) => v.name === 'held-mutex')!;
    expect(held.rps / 20).toBeGreaterThan(0.75);
    expect(held.rps / 20).toBeLessThan(1.25);
    for (const early of record.variants.slice(1)) expect(early.rps / held.rps).toBeGreaterThanOrEqual(10);
    // wrk's own CPU, read from /proc like Locust's (in 10 ms ticks: at 20 req/s a round may read 0),
    // and judged by the same limit.
    expect(Math.max(...record.variants.map((v) => v.generatorCpuPct))).toBeGreaterThan(0);
    expect(record.comparison.notes.join('\n')).toMatch(/load generator \(wrk\)/);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
    expect(wrkPids(run.home)).toEqual([]);
  });

  it('lesson 5 --quick picks wrk itself, says so, and walks the mix with If-None-Match for @warm', async () => {
    const run = await runCli(['5', '--quick', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout) as RunRecord;
    expect(record.driver).toBe('wrk');
    expect(record.options.driverChosenBy).toBe('lesson');
    expect(record.options.connections).toBe(findLesson(5)!.load.preferredDriver!.connections);
    expect(run.stderr).toMatch(/driver: lesson 5 uses it when installed/);
    expect(record.comparison.valid).toBe(true);
    for (const variant of record.variants) {
      expect(variant.errors + variant.non2xx).toBe(0);
      // Cold points carry bodies; @warm ones are 304s, answers without a body.
      if (variant.name.endsWith('@warm')) expect(variant.bytesPerSec).toBe(0);
      else expect(variant.bytesPerSec).toBeGreaterThan(0);
    }
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
    expect(wrkPids(run.home)).toEqual([]);
  });

  it('Ctrl+C while wrk runs: exit 130 and no wrk left', async () => {
    const run = startCli(['2', '--quick', '--driver', 'wrk']);
    expect(await waitFor(() => wrkPids(run.home).length >= 1, 60_000)).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.done).toBe(130);
    expect(await waitFor(() => wrkPids(run.home).length === 0, 5_000)).toBe(true);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });
});

describe('--driver wrk without wrk', () => {
  it('exits 2 with one line saying how to install it, before starting anything', async () => {
    // An empty folder as PATH: the CLI runs on this node (process.execPath), and finds no wrk.
    const emptyDir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-no-wrk-'));
    const run = await runCli(['2', '--quick', '--driver', 'wrk'], { PATH: emptyDir });
    rmSync(emptyDir, { recursive: true, force: true });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/apt-get install -y wrk/);
    expect(run.stderr).not.toMatch(/^server /m);
  });
});
