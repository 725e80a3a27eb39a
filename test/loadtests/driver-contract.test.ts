// What every load driver owes the verdict, checked with real load against tiny real servers that
// misbehave on purpose: failures are never successes, a silent server is a timeout, a lesson's mix
// is walked with its headers, and nothing but 127.0.0.1 is targeted. Each driver's own file tests
// what only it does.
import { afterEach, describe, expect, it } from 'vitest';
import { judgeValidity } from '../../lab/build-record.js';
import { autocannonDriver } from '../../loadtests/autocannon-driver.js';
import type { LoadDriver } from '../../loadtests/load-driver.js';
import { wrkDriver } from '../../loadtests/wrk-driver.js';
import { wrkOnPath } from '../../loadtests/wrk-install.js';
import { asVariant } from '../helpers/as-variant.js';
import { listen, type Listening } from '../helpers/listen.js';

let server: Listening | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const short = { connections: 4, durationSec: 2, timeoutSec: 1 };

interface DriverCase {
  driver: LoadDriver;
  /** Not installed here (wrk is optional for a learner; CI installs it, so with CI=true it never skips). */
  skip: boolean;
  /** Whether its latency percentiles are the window's (wrk keeps one histogram a run, ramp included). */
  windowedLatency: boolean;
}

const drivers: Array<[string, DriverCase]> = [
  ['autocannon', { driver: autocannonDriver, skip: false, windowedLatency: true }],
  ['wrk', { driver: wrkDriver, skip: wrkOnPath() === null && process.env.CI !== 'true', windowedLatency: false }],
];

describe.each(drivers)('%s, as every driver must', (_name, { driver, skip, windowedLatency }) => {
  it.skipIf(skip)('counts a server that never replies as timeouts, with zero rps, and the run is invalid', async () => {
    server = await listen(() => {
      // never answer
    });
    const result = await driver.run({ url: `${server.url}/`, ...short });
    expect(result.timeouts).toBeGreaterThan(0);
    expect(result.rps).toBe(0);
    const validity = judgeValidity([asVariant(result)], null);
    expect(validity.valid).toBe(false);
    expect(validity.notes.join('\n')).toMatch(/timeouts/);
  });

  it.skipIf(skip)('never counts 500s as successes, and the run is invalid', async () => {
    server = await listen((_req, res) => {
      res.statusCode = 500;
      res.end('{"error":"boom"}');
    });
    const result = await driver.run({ url: `${server.url}/`, ...short });
    expect(result.requests).toBeGreaterThan(0);
    expect(result.non2xx).toBe(result.requests);
    expect(result.ok).toBe(0);
    expect(result.rps).toBe(0);
    expect(judgeValidity([asVariant(result)], null).notes.join('\n')).toMatch(/non-2xx/);
  });

  it.skipIf(skip)('cycles a mix of paths with their headers; 3xx count as answers only when the lesson expects them', async () => {
    const seen = new Map<string, number>();
    server = await listen((req, res) => {
      const key = `${req.url} ${req.headers['if-none-match'] ?? ''}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (req.url === '/link') res.writeHead(301, { location: 'https://example.org/' }).end();
      else if (req.headers['if-none-match'] === '"v1"') res.writeHead(304).end();
      else res.end('file');
    });
    const requests = [{ path: '/a.html?x=1' }, { path: '/link' }, { path: '/b.css', headers: { 'if-none-match': '"v1"' } }];
    const accepted = await driver.run({ url: server.url, requests, acceptRedirects: true, ...short });
    expect([...seen.keys()].sort()).toEqual(['/a.html?x=1 ', '/b.css "v1"', '/link ']);
    const counts = [...seen.values()];
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(short.connections); // each path its share
    expect(accepted.non2xx).toBe(0);
    expect(accepted.ok).toBe(accepted.requests);
    const strict = await driver.run({ url: server.url, requests, ...short });
    expect(strict.non2xx / strict.requests).toBeGreaterThan(0.6); // the 301s and 304s: two in three
    expect(strict.non2xx / strict.requests).toBeLessThan(0.7);
  });

  it.skipIf(skip)('drops the ramp: what answers before the window opens is not counted, and the window is timed to the ms', async () => {
    const startedAt = Date.now();
    // Slow for the first 400 ms (as connections open and queues fill), then at once.
    server = await listen((_req, res) => {
      if (Date.now() - startedAt < 400) setTimeout(() => res.end('slow'), 300);
      else res.end('fast');
    });
    let windowOpened = 0;
    let openedAt = 0;
    const result = await driver.run({
      url: `${server.url}/`, connections: 4, durationSec: 0.5, rampSec: 0.7, timeoutSec: 2,
      onWindowStart: async () => {
        windowOpened += 1;
        openedAt = Date.now();
      },
    });
    expect(windowOpened).toBe(1);
    expect(openedAt - startedAt).toBeGreaterThanOrEqual(700);
    expect(result.rampSec).toBeGreaterThanOrEqual(0.7);
    expect(result.durationSec).toBeGreaterThan(0.45);
    expect(result.durationSec).toBeLessThan(0.9); // not rounded up to whole seconds
    expect(result.ok).toBeGreaterThan(50);
    expect(result.rps).toBeCloseTo(result.ok / result.durationSec, 5);
    if (windowedLatency) expect(result.latencyMs.max).toBeLessThan(300); // no slow answer made it into the window
  });

  it.each(['http://localhost:80/', 'http://10.0.0.1/', 'https://127.0.0.1/', 'not a url'])('refuses to send load to %s', async (url) => {
    await expect(driver.run({ url, ...short })).rejects.toMatchObject({ code: 'E_TARGET' });
  });
});
