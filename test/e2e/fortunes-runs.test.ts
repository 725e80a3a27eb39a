// Lesson 8 end to end on both databases: the runner prepares the database, every variant's page
// passes the Fortunes check before any load, the run is judged, and nothing is left: no server,
// no postgres process, no cluster folder, after a run, after Ctrl+C and in serve mode.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { parseServingLine } from '../../core/ready-line.js';
import type { RunRecord } from '../../lab/run-record.js';
import { checkFortunesPage } from '../../lessons/support/fortunes-check.js';
import { exitCodeFor, labProcessPids, leftovers, removeTestHomes, runCli, startCli, waitFor } from '../helpers/run-cli.js';

afterAll(removeTestHomes);

const QUICK = ['--quick', '--duration', '2', '--warmup', '1', '--no-flamegraph'];
const clusterFolders = (): string[] => readdirSync(os.tmpdir()).filter((name) => name.startsWith('hotpath-pg-'));

describe('lesson 8, Fortunes', { timeout: 120_000 }, () => {
  it.each([['sqlite'], ['postgres']])('runs on %s: the pages pass the Fortunes check, the run is judged, nothing is left', async (db) => {
    const before = clusterFolders();
    const run = await runCli(['8', ...QUICK, '--db', db, '--json']);
    const record = JSON.parse(run.stdout) as RunRecord;
    expect(run.code).toBe(exitCodeFor(record));
    expect(record.status).toBe('complete');
    expect(record.comparison.valid).toBe(true);
    expect(run.stderr).toMatch(/all 4 variants answer the same page \(\d+ characters, the lesson's checks passed\)/);
    expect(run.stderr).toMatch(db === 'sqlite' ? /database: SQLite \(.*fortunes\.sqlite\)/ : /database: PostgreSQL, a throwaway cluster on 127\.0\.0\.1:\d+/);
    expect(record.variants.map((v) => v.name)).toEqual(['connect-per-request', 'connection-per-worker', 'precompiled-template', 'prepared-once']);
    expect(record.comparison.notes.join('\n')).toMatch(/the changes? that mattered most here/);
    expect(await waitFor(() => labProcessPids(run.home, '').length === 0, 5_000)).toBe(true);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
    expect(clusterFolders()).toEqual(before);
  });

  it('Ctrl+C while PostgreSQL serves the load: exit 130, no postgres process and no cluster folder left', async () => {
    const before = clusterFolders();
    const run = startCli(['8', ...QUICK, '--db', 'postgres']);
    expect(await waitFor(() => /connect-per-request\s+round 1\//.test(run.stdout + run.stderr), 60_000)).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.done).toBe(130);
    expect(await waitFor(() => labProcessPids(run.home, '').length === 0, 10_000)).toBe(true);
    expect(clusterFolders()).toEqual(before);
  });

  it('serves the page itself with --db postgres: a browser, curl or Locust gets a real Fortunes page', async () => {
    const run = startCli(['8', '--serve', 'prepared-once', '--db', 'postgres']);
    expect(await waitFor(() => run.stdout.includes('\n'), 30_000)).toBe(true);
    const url = parseServingLine(run.stdout.trim())!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/lessons\/8\/prepared-once$/);
    const response = await fetch(url);
    expect(checkFortunesPage(await response.text(), Object.fromEntries(response.headers))).toEqual([]);
    run.child.kill('SIGINT');
    expect(await run.done).toBe(0);
    expect(await waitFor(() => labProcessPids(run.home, '').length === 0, 10_000)).toBe(true);
  });

  it('refuses --db on a lesson without a database (exit 2)', async () => {
    const run = await runCli(['2', '--db', 'postgres']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/`--db` goes with a lesson that uses a database \(lesson 8\); lesson 2 has none/);
  });
});
