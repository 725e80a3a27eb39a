import { afterEach, describe, expect, it } from 'vitest';
import { findLesson } from '../../lessons/catalog.js';
import { createApp } from '../../server/app.js';
import type { LabMetricsSnapshot } from '../../server/lab-metrics.js';
import type { WindowProfiles } from '../../server/window-profiler.js';
import { listen, type Listening } from '../helpers/listen.js';

let running: Listening | null = null;
let closeApp: (() => void) | null = null;
afterEach(async () => {
  closeApp?.(); // its timers, and the inspector session of a profile test that failed half-way
  closeApp = null;
  await running?.close();
  running = null;
});

async function serve(lessonId: number, variantName: string): Promise<Listening & { path: string }> {
  const lesson = findLesson(lessonId)!;
  const variant = lesson.variants.find((v) => v.name === variantName)!;
  const { app, path, close } = createApp({ lesson, variant });
  closeApp = close;
  running = await listen(app);
  return { ...running, path };
}

describe('createApp: the runner\'s in-process profiles', () => {
  it('profiles a window opened and closed in one call each: counters, a heap profile, a CPU profile with its edges', async () => {
    const server = await serve(3, 'clone-every-round');
    const post = async <T>(route: string): Promise<T> => {
      const answer = await fetch(`${server.url}${route}`, { method: 'POST' });
      expect(answer.status, route).toBe(200);
      return (await answer.json()) as T;
    };
    await post('/__lab/profile/start?kinds=cpu'); // the runner's, before the warm-up
    const opened = await post<{ snapshot: LabMetricsSnapshot; profileError: string | null }>('/__lab/window/open?kinds=cpu,alloc');
    expect(opened.profileError).toBeNull();
    for (let i = 0; i < 3; i += 1) await (await fetch(`${server.url}${server.path}?iterations=20000`)).text();
    const closed = await post<{ snapshot: LabMetricsSnapshot; handler: string; heap: WindowProfiles['heap']; profileError: string | null }>('/__lab/window/close?stop=alloc');
    expect(closed.snapshot.requests.completed - opened.snapshot.requests.completed).toBe(3);
    expect(closed.handler).toBe('cloneEveryRoundHandler');
    // 3 requests × 20,000 copies of 72 bytes: about 4 MB, sampled every 32 KiB on average.
    expect(closed.heap!.samples.length).toBeGreaterThan(10);
    const stopped = await post<WindowProfiles & { handler: string }>('/__lab/profile/stop?kinds=cpu');
    expect(stopped.cpu?.windows).toHaveLength(1);
    expect(stopped.cpu!.windows[0]!.endUs).toBeGreaterThan(stopped.cpu!.windows[0]!.startUs);
    expect(stopped.cpu!.nodes.length).toBeGreaterThan(1);
  });

  it.each([
    ['/__lab/profile/start?kinds=heap', /kinds must list cpu and\/or alloc/],
    ['/__lab/profile/start', /kinds must list/],
    ['/__lab/profile/stop?kinds=cpu,gpu', /kinds must list/],
    ['/__lab/window/open?kinds=gpu', /kinds must list/],
  ])('answers POST %s with a 400 JSON error', async (route, message) => {
    const server = await serve(3, 'no-clone');
    const answer = await fetch(`${server.url}${route}`, { method: 'POST' });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toMatch(message);
  });
});

describe('createApp', () => {
  it('serves the variant and counts its requests in /__lab/metrics', async () => {
    const server = await serve(2, 'rwlock-early-release');
    const answer = await fetch(`${server.url}${server.path}?dbMs=1`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ sum: 6 });
    const metrics = (await (await fetch(`${server.url}/__lab/metrics`)).json()) as LabMetricsSnapshot;
    expect(metrics.requests).toEqual({ completed: 1, inFlight: 0 });
    expect(metrics.lock?.acquisitions).toBe(1);
    expect(metrics.cpu.userMs).toBeGreaterThan(0);
    expect(metrics.eventLoopDelayMs).not.toBeNull();
  });

  it.each([
    ['dbMs=abc', 'dbMs', /integer from 1 to 2000/],
    ['dbMs=999999', 'dbMs', /integer from 1 to 2000/],
    ['dbMs=5&dbMs=6', 'dbMs', /once/],
    ['iterations=5', 'iterations', /Unknown parameter/],
  ])('answers %s with a 400 JSON error naming the parameter', async (query, param, message) => {
    const server = await serve(2, 'held-mutex');
    const response = await fetch(`${server.url}${server.path}?${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; param: string; allowed: string };
    expect(body.param).toBe(param);
    expect(body.error).toMatch(message);
  });

  it('caps iterations so one request cannot hang the server', async () => {
    const server = await serve(3, 'no-clone');
    const response = await fetch(`${server.url}${server.path}?iterations=10000001`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { allowed: string }).allowed).toBe('an integer from 1 to 10000000');
  });

  it('answers unknown routes with a 404 JSON body', async () => {
    const server = await serve(1, 'trivial');
    const response = await fetch(`${server.url}/nope`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toMatch(/lessons\/1\/trivial/);
  });

  it('counts a request queued behind a held lock as in flight until it settles', async () => {
    const server = await serve(2, 'held-mutex');
    const slow = [1, 2, 3].map(() => fetch(`${server.url}${server.path}?dbMs=300`));
    // Poll rather than sleep: on a loaded machine the requests may take a while to arrive.
    let during: LabMetricsSnapshot;
    do {
      during = (await (await fetch(`${server.url}/__lab/metrics`)).json()) as LabMetricsSnapshot;
    } while (during.requests.inFlight < 3 && during.requests.completed === 0);
    expect(during.requests.inFlight).toBe(3);
    await Promise.all(slow);
    const after = (await (await fetch(`${server.url}/__lab/metrics`)).json()) as LabMetricsSnapshot;
    expect(after.requests.inFlight).toBe(0);
    expect(after.lock?.maxQueue).toBe(2); // one holds the lock, two wait
    // The third request waited for the two ahead of it: about 600 ms.
    expect(after.lock?.p99Ms).toBeGreaterThan(450);
  });
});
