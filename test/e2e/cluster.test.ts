// Lesson 6's cluster, end to end: the runner measures a real node:cluster (one worker per core)
// through one port, its figures summed over the workers, and nothing of it outlives a run, Ctrl+C,
// serve mode, or a primary killed with SIGKILL. Load is short and small (rows=2000, 1 s rounds).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../core/proc-stat.js';
import { parseReadyLine, parseServingLine } from '../../core/ready-line.js';
import { projectRoot } from '../../core/paths.js';
import type { RunRecord } from '../../lab/run-record.js';
import { exitCodeFor, labProcessPids, leftovers, removeTestHomes, runCli, startCli, waitFor } from '../helpers/run-cli.js';

afterAll(removeTestHomes);

const QUICK = ['--quick', '--duration', '2', '--warmup', '1', '--param', 'rows=2000'];
/** How long lab processes may take to notice their runner or primary is gone (a poll each second). */
const NOTICE_MS = 5_000;
const cores = os.availableParallelism();

/** The pids whose parent is `pid` (a cluster's workers). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('lesson 6: a node:cluster under the runner', { timeout: 90_000 }, () => {
  it('measures the cluster as one server: its workers\' figures summed, the same answer, nothing left', async () => {
    const run = await runCli(['6', ...QUICK, '--json']);
    const record = JSON.parse(run.stdout) as RunRecord;
    expect(run.code).toBe(exitCodeFor(record));
    expect(record.status).toBe('complete');
    expect(record.comparison.valid).toBe(true);
    expect(run.stderr).toMatch(/all 2 variants answer \{"rows":2000,"chars":\d+,"fnv1a":\d+\}/);
    const [one, cluster] = record.variants;
    expect([one?.name, one?.processes, cluster?.name, cluster?.processes]).toEqual(['one-process', 1, 'cluster', cores]);
    // Every request the load completed was counted by some worker: CPU and bytes per request exist.
    expect(cluster?.cpuMsPerRequest).toBeGreaterThan(0);
    expect(cluster?.allocBytesPerRequest).toBeGreaterThan(0);
    expect(cluster?.eventLoopDelayMs?.p99).toBeGreaterThan(0);
    expect(one?.eventLoopDelayMs?.p99).toBeGreaterThan(0);
    // One process never uses much more than a core; a verdict is given either way, with its reason.
    expect(one!.serverCpuPct).toBeLessThan(150);
    expect(['agrees', 'inconclusive', 'disagrees']).toContain(record.comparison.verdict);
    expect(record.comparison.notes.join('\n')).toMatch(/cluster req\/s: /);
    expect(await waitFor(() => labProcessPids(run.home, '').length === 0, NOTICE_MS)).toBe(true);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });

  it('Ctrl+C while the cluster is measured: exit 130, no worker left', async () => {
    const run = startCli(['6', ...QUICK]);
    expect(await waitFor(() => /cluster\s+round 1\//.test(run.stdout + run.stderr), 60_000)).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.done).toBe(130);
    expect(await waitFor(() => labProcessPids(run.home, '').length === 0, NOTICE_MS)).toBe(true);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });

  it('refuses profiles, which cannot follow a cluster\'s workers (exit 2, before any server)', async () => {
    const run = await runCli(['6', '--profile', 'cpu']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/lesson 6 serves a node:cluster/);
  });

  it('serves the cluster until Ctrl+C: every worker answers on one port, then all of them are gone', async () => {
    const run = startCli(['6', '--serve', 'cluster', '--param', 'rows=100']);
    expect(await waitFor(() => run.stdout.includes('\n'), 30_000)).toBe(true);
    const url = parseServingLine(run.stdout.trim())!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/lessons\/6\/cluster\?rows=100$/);
    const answers = await Promise.all(Array.from({ length: 6 }, async () => (await fetch(url)).json()));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    const metrics = (await (await fetch(new URL('/__lab/metrics', url))).json()) as { processes: number; requests: { completed: number } };
    expect(metrics).toMatchObject({ processes: cores, requests: { completed: 6 } });
    run.child.kill('SIGINT');
    expect(await run.done).toBe(0);
    expect(await waitFor(() => labProcessPids(run.home, '').length === 0, NOTICE_MS)).toBe(true);
  });

  it('a primary killed with SIGKILL takes its workers with it', async () => {
    const server = spawn(process.execPath, [path.join(projectRoot, 'dist', 'server', 'main.js'), '--lesson', '6', '--variant', 'cluster', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      expect(await waitFor(() => out.includes('\n'), 20_000)).toBe(true);
      const ready = parseReadyLine(out.trim())!;
      const workers = childrenOf(ready.pid);
      expect(workers).toHaveLength(cores);
      process.kill(ready.pid, 'SIGKILL');
      expect(await waitFor(() => workers.every((pid) => !isAlive(pid)), NOTICE_MS)).toBe(true);
    } finally {
      server.kill('SIGKILL');
    }
  });
});
