// Locust as the load driver, end to end with real Locust processes. Locust is optional for a
// learner, but CI installs it: with CI=true these tests run (and fail without it), never skip.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../lab/run-record.js';
import { findLesson, lessons } from '../../lessons/catalog.js';
import { autocannonDriver } from '../../loadtests/autocannon-driver.js';
import { locustfileFor } from '../../loadtests/drivers.js';
import { createLocustDriver, LAUNCHER, LOCUSTFILES_DIR } from '../../loadtests/locust-driver.js';
import { findLocust, locustInstalled } from '../../loadtests/locust-install.js';
import { createApp } from '../../server/app.js';
import { listen } from '../helpers/listen.js';
import { leftovers, locustLauncherPids, removeTestHomes, runCli, startCli, waitFor } from '../helpers/run-cli.js';
import { LOCUST_ROUNDING } from '../../lab/report.js';

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const haveLocust = locustInstalled();

afterAll(removeTestHomes);

describe.skipIf(!haveLocust && process.env.CI !== 'true')('--driver locust, end to end', { timeout: 150_000 }, () => {
  it('lesson 2 --quick: held Mutex at 1000/dbMs, as autocannon measures it', async () => {
    const run = await runCli(['2', '--quick', '--json', '--driver', 'locust']);
    const record = JSON.parse(run.stdout) as RunRecord;
    expect(record.driver).toBe('locust');
    // Locust's rounded latencies are said to be rounded, under the table.
    expect(run.stderr).toContain(LOCUST_ROUNDING);
    const held = record.variants.find((v) => v.name === 'held-mutex')!;
    expect(held.rps / 20).toBeGreaterThan(0.75);
    expect(held.rps / 20).toBeLessThan(1.25);
    for (const early of record.variants.slice(1)) expect(early.rps / held.rps).toBeGreaterThanOrEqual(10);

    // The same endpoint under autocannon, for 3 s at the same 100 connections.
    const lesson = findLesson(2)!;
    const { app, path: route } = createApp({ lesson, variant: lesson.variants[0]! });
    const server = await listen(app);
    try {
      const autocannon = await autocannonDriver.run({ url: `${server.url}${route}?dbMs=50`, connections: 100, durationSec: 3, timeoutSec: 10 });
      expect(held.rps / autocannon.rps).toBeGreaterThan(0.75);
      expect(held.rps / autocannon.rps).toBeLessThan(1.25);
    } finally {
      await server.close();
    }
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
    expect(locustLauncherPids(run.home)).toEqual([]);
  });

  it('a master with two workers completes and leaves no process behind', async () => {
    const run = await runCli(['3', '--quick', '--json', '--no-flamegraph', '--driver', 'locust', '--locust-workers', '2', '--param', 'iterations=100000']);
    expect(run.code, run.stderr).not.toBe(2);
    const record = JSON.parse(run.stdout) as RunRecord;
    expect(record.options.locustWorkers).toBe(2);
    // Locust's CSV folders are gone; its output stays in the run folder's load logs.
    const runDir = path.join(run.home, 'results', 'lesson-03', record.runId);
    expect(readdirSync(runDir).filter((name) => name.startsWith('driver-tmp-'))).toEqual([]);
    expect(readdirSync(runDir).filter((name) => name.startsWith('load-'))).toHaveLength(2);
    for (const variant of record.variants) {
      expect(variant.requests).toBeGreaterThan(0);
      expect(variant.errors + variant.non2xx).toBe(0);
    }
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
    expect(locustLauncherPids(run.home)).toEqual([]);
  });

  it('site lessons: lesson 4 walks the mix with one upstream fetch per request; lesson 5\'s 304s count as answers', async () => {
    const four = await runCli(['4', '--quick', '--json', '--driver', 'locust']);
    const upstream = JSON.parse(four.stdout) as RunRecord;
    expect(upstream.comparison.valid, upstream.comparison.notes.join('\n')).toBe(true);
    const [slow, fast] = upstream.variants;
    expect(slow!.workPerRequest.upstreamFetches).toBeCloseTo(1, 2);
    expect(slow!.rps / 80).toBeLessThanOrEqual(1.05); // 4 users waiting 50 ms each
    expect(fast!.rps / slow!.rps).toBeGreaterThanOrEqual(1.5);
    expect(await leftovers(four.stderr)).toEqual({ alive: [], bound: [] });

    const five = await runCli(['5', '--json', '--driver', 'locust', '--no-flamegraph', '--warmup', '0', '--duration', '2']);
    const files = JSON.parse(five.stdout) as RunRecord;
    for (const variant of files.variants) {
      expect(variant.requests, variant.name).toBeGreaterThan(0);
      expect(variant.errors + variant.non2xx, variant.name).toBe(0); // FastHttpUser would fail 304s without the locustfile's help
    }
    const warm = files.variants.find((v) => v.name === 'stream-stat-etag@warm')!;
    const cold = files.variants.find((v) => v.name === 'stream-stat-etag')!;
    expect(warm.bytesPerSec / warm.rps).toBeLessThan(cold.bytesPerSec / cold.rps / 10);
    expect(await leftovers(five.stderr)).toEqual({ alive: [], bound: [] });
    expect(locustLauncherPids(five.home)).toEqual([]);
  });

  it('a master port taken between pick and bind: Locust says so, and another port is tried', async () => {
    const app = createApp({ lesson: findLesson(1)!, variant: findLesson(1)!.variants[1]!, instrumented: false });
    const target = await listen(app.app);
    const squatter = createServer().listen(0, '127.0.0.1');
    await once(squatter, 'listening');
    const taken = (squatter.address() as AddressInfo).port;
    const picked: number[] = [];
    const driver = createLocustDriver({
      locustfile: locustfileFor(findLesson(1)!),
      workers: 1,
      userModel: 'fast',
      pickPort: async () => {
        const port = picked.length === 0 ? taken : await freePort();
        picked.push(port);
        return port;
      },
    });
    try {
      const result = await driver.run({ url: `${target.url}/__lab/noop`, connections: 2, durationSec: 2, timeoutSec: 10 });
      expect(picked.length).toBeGreaterThanOrEqual(2);
      expect(picked[0]).toBe(taken);
      expect(result.ok).toBeGreaterThan(0);
      expect(result.errors).toBe(0);
    } finally {
      squatter.close();
      app.close();
      await target.close();
    }
  });

  it('Ctrl+C while Locust runs: exit 130 and no Locust process left', async () => {
    const run = startCli(['2', '--quick', '--driver', 'locust', '--locust-workers', '1']);
    expect(await waitFor(() => locustLauncherPids(run.home).length >= 2, 60_000)).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.done).toBe(130);
    expect(await waitFor(() => locustLauncherPids(run.home).length === 0, 5_000)).toBe(true);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });
});

describe.skipIf(!haveLocust && process.env.CI !== 'true')('locustfiles', () => {
  it.each(lessons.flatMap((lesson) => (['fast', 'story'] as const).map((model) => [locustfileFor(lesson), model] as const)))(
    '%s loads under Locust with the %s user model',
    (file, model) => {
      const locust = findLocust();
      const listed = execFileSync(locust.python[0]!, [...locust.python.slice(1), LAUNCHER, '-f', path.join(LOCUSTFILES_DIR, file), '--list'], {
        encoding: 'utf8',
        env: { ...process.env, HOTPATH_USER: model },
      });
      expect(listed).toMatch(/LessonUser/);
    },
  );
});

describe('--driver locust without Locust', () => {
  it('exits 2 with one line saying how to install it, before starting anything', async () => {
    // An empty folder as PATH: the CLI runs on this node (process.execPath), and finds no locust.
    const emptyDir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-no-locust-'));
    const run = await runCli(['2', '--quick', '--driver', 'locust'], { PATH: emptyDir });
    rmSync(emptyDir, { recursive: true, force: true });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/apt-get install python3-locust/);
    expect(run.stderr).not.toMatch(/^server /m);
  });
});
