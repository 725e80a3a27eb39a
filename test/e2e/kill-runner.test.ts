// kill -9 of the runner cannot be caught: whatever it started must notice on its own. These
// trials kill it at moments spread over a whole run (starting, build, server start, warm-up,
// measure, stopping the servers, between rounds, with an upstream, under 0x, with Locust) and then find no
// process and no port left. Locust is installed by CI (.ci/run).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { sweepPostgresFolders } from '../../lab/postgres-cluster.js';
import { labProcessPids, leftovers, removeTestHomes, startCli, waitFor } from '../helpers/run-cli.js';

afterAll(() => {
  removeTestHomes();
  sweepPostgresFolders(); // a killed runner's cluster folder waits for the next sweep: this is it
});

/** How long lab processes may take to notice: a parent poll each second, then exit. */
const NOTICE_MS = 5_000;
const QUICK = ['--quick', '--duration', '2', '--warmup', '1'];

/** A moment of a run: a line to wait for (on stdout or stderr), then a random delay up to `jitterMs`. */
interface Moment {
  name: string;
  /** The lesson and its extra flags. */
  args: string[];
  after: RegExp | null;
  jitterMs: number;
  /** How long its processes may take to go: 0x writes its graph after the server exits. */
  noticeMs?: number;
  /** Its quick flags, when not the load's (lesson 9 counts runs, not seconds). */
  quick?: string[];
}

const MOMENTS: Moment[] = [
  { name: 'starting (sweep, checks)', args: ['2'], after: null, jitterMs: 400 },
  { name: 'the first server starting', args: ['2'], after: /all 3 variants answer/, jitterMs: 150 },
  { name: 'a server just announced', args: ['2'], after: /^server held-mutex pid=/m, jitterMs: 30 },
  { name: 'warm-up', args: ['2'], after: /held-mutex\s+warm-up/, jitterMs: 600 },
  { name: 'measuring a held lock', args: ['2'], after: /held-mutex\s+round 1\//, jitterMs: 1_500 },
  { name: 'stopping the servers', args: ['2'], after: /^- rwlock-early-release\s+round 2\/2/m, jitterMs: 60 },
  { name: 'between rounds', args: ['2'], after: /^- mutex-early-release\s+round 1\/2/m, jitterMs: 200 },
  { name: 'with an upstream, probing', args: ['4'], after: /^server upstream pid=/m, jitterMs: 300 },
  { name: 'with an upstream, measuring', args: ['4'], after: /fetch-per-request\s+round 1\//, jitterMs: 1_000 },
  { name: 'under 0x, measuring', args: ['3', '--param', 'iterations=200000'], after: /no-clone\s+round 1\//, jitterMs: 1_000, noticeMs: 30_000 },
  { name: 'a cluster, measuring', args: ['6', '--param', 'rows=2000'], after: /cluster\s+round 1\//, jitterMs: 1_000 },
  { name: 'with PostgreSQL, measuring', args: ['8', '--db', 'postgres', '--no-flamegraph'], after: /connect-per-request\s+round 1\//, jitterMs: 1_000 },
  { name: 'lesson 9, a timed command running', args: ['9'], after: /round 1\/2/, jitterMs: 1_500, quick: ['--quick'] },
  { name: 'with Locust, measuring', args: ['2', '--driver', 'locust'], after: /held-mutex\s+round 1\//, jitterMs: 1_500 },
  // wrk cannot watch its runner: its own -d (2 s past the window) ends it.
  { name: 'with wrk, measuring', args: ['2', '--driver', 'wrk'], after: /held-mutex\s+round 1\//, jitterMs: 1_000 },
];

describe('kill -9 of the runner at many moments: nothing is left behind', { timeout: 120_000 }, () => {
  it.each(MOMENTS.map((m) => [m.name, m] as const))('%s', async (_name, moment) => {
    const run = startCli([...moment.args, ...(moment.quick ?? QUICK)]);
    if (moment.after) expect(await waitFor(() => moment.after!.test(run.stdout) || moment.after!.test(run.stderr), 60_000)).toBe(true);
    const delayMs = Math.round(Math.random() * moment.jitterMs);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    run.child.kill('SIGKILL');
    await run.done;
    const when = `killed ${delayMs} ms after ${moment.after ?? 'the start'}`; // to replay a failure
    const gone = await waitFor(() => labProcessPids(run.home, '').length === 0, moment.noticeMs ?? NOTICE_MS);
    expect(gone ? [] : labProcessPids(run.home, '').map(describeProcess), when).toEqual([]);
    expect(await leftovers(run.stderr), when).toEqual({ alive: [], bound: [] });
  });

  it('during the build: killing the whole npm process group leaves nothing either', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'hotpath-test-'));
    try {
      // As a terminal would: npm, its shell, tsc and the runner share a process group.
      const npm = spawn('npm', ['run', '-s', 'lesson', '--', '2', ...QUICK], {
        cwd: projectRoot, detached: true, stdio: 'ignore', env: { ...process.env, HOTPATH_HOME: home, NO_COLOR: '1' },
      });
      const closed = new Promise((resolve) => npm.once('close', resolve));
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 2_500));
      process.kill(-npm.pid!, 'SIGKILL');
      await closed;
      const gone = await waitFor(() => labProcessPids(home, '').length === 0, NOTICE_MS);
      expect(gone ? [] : labProcessPids(home, '').map(describeProcess)).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

/** A leftover, as a person would want it reported: pid and command line. */
function describeProcess(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`;
  } catch {
    return String(pid);
  }
}
