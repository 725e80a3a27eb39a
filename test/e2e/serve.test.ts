// Serve mode, end to end: the real CLI serves one variant (with its site and upstream) until
// Ctrl+C, prints only its URL line on stdout, and leaves nothing behind.
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../core/proc-stat.js';
import { parseServingLine } from '../../core/ready-line.js';
import { leftovers, removeTestHomes, runCli, startCli, startedServers, waitFor, type CliRun } from '../helpers/run-cli.js';

afterAll(removeTestHomes);

async function servingUrl(run: CliRun): Promise<string> {
  expect(await waitFor(() => run.stdout.includes('\n'), 30_000)).toBe(true);
  const url = parseServingLine(run.stdout.trim());
  expect(url).not.toBeNull();
  return url!;
}

/** A port that was free a moment ago (the test then asks the CLI for it). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('npm run lesson -- N --serve <variant>', { timeout: 60_000 }, () => {
  it('serves lesson 2 held-mutex with its parameters until Ctrl+C, then exits 0 leaving nothing', async () => {
    const run = startCli(['2', '--serve', 'held-mutex', '--param', 'dbMs=5']);
    const url = await servingUrl(run);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/lessons\/2\/held-mutex\?dbMs=5$/);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sum: 6 });
    // The same server keeps serving: its metrics count both requests.
    await fetch(url);
    const metrics = (await (await fetch(new URL('/__lab/metrics', url))).json()) as { requests: { completed: number } };
    expect(metrics.requests.completed).toBe(2);
    run.child.kill('SIGINT');
    expect(await run.done).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1); // only the URL line: scripts read it
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });

  it('serves a site lesson with its upstream on a chosen port, and stops both', async () => {
    const port = await freePort();
    const run = startCli(['4', '--serve', 'fetch-per-request', '--port', String(port), '--param', 'upstreamMs=5']);
    const url = await servingUrl(run);
    expect(url).toBe(`http://127.0.0.1:${port}/lessons/4/fetch-per-request/`);
    const link = await fetch(`${url}gh`, { redirect: 'manual' });
    expect(link.status).toBe(301);
    const file = await fetch(`${url}css/site.css`);
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBe(44 * 1024);
    expect(startedServers(run.stderr).map((s) => s.label)).toEqual(['upstream', 'fetch-per-request']);
    run.child.kill('SIGINT');
    expect(await run.done).toBe(0);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });

  it('serves lesson 7 with its parameter: a real Fortunes page of 13 rows, answered as its checksum', async () => {
    const run = startCli(['7', '--serve', 'pooled-one-pass', '--param', 'rows=13']);
    const url = await servingUrl(run);
    expect(url).toMatch(/\/lessons\/7\/pooled-one-pass\?rows=13$/);
    expect(await (await fetch(url)).json()).toMatchObject({ rows: 13 });
    run.child.kill('SIGINT');
    expect(await run.done).toBe(0);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });

  it('kill -9 of a serving runner: its server and upstream exit on their own', async () => {
    const run = startCli(['4', '--serve', 'cached-map']);
    await servingUrl(run);
    run.child.kill('SIGKILL');
    await run.done;
    const pids = startedServers(run.stderr).map((s) => s.pid);
    expect(pids).toHaveLength(2);
    expect(await waitFor(() => pids.every((pid) => !isAlive(pid)), 5_000)).toBe(true);
  });

  it('a port someone else holds: exit 2 with one line, nothing started', async () => {
    const squatter = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => squatter.once('listening', resolve));
    const taken = (squatter.address() as { port: number }).port;
    try {
      const run = await runCli(['2', '--serve', 'held-mutex', '--port', String(taken)]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([`hotpath: Port ${taken} on 127.0.0.1 is in use; pick another with --port, or 0 for any free one`]);
      expect(run.stdout).toBe('');
    } finally {
      squatter.close();
    }
  });

  it.each([
    [['2', '--serve', 'nope'], /Lesson 2 has no variant `nope`; its variants are held-mutex, mutex-early-release, rwlock-early-release/],
    [['2', '--serve', 'held-mutex', '--duration', '3'], /`--duration` does not go with `--serve`/],
    [['2', '--serve', 'held-mutex', '--param', 'dbMs=0'], /from 1 to 2000/],
    [['2', '--port', '8080'], /`--port` can only go with `--serve <variant>`/],
  ])('%j exits 2 with one line and starts nothing', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });
});
