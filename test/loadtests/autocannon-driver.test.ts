// Driver honesty: real load against tiny real servers that misbehave on purpose.
import { afterEach, describe, expect, it } from 'vitest';
import { judgeValidity } from '../../lab/build-record.js';
import type { VariantRecord } from '../../lab/run-record.js';
import { autocannonDriver } from '../../loadtests/autocannon-driver.js';
import { listen, type Listening } from '../helpers/listen.js';

let server: Listening | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const short = { connections: 4, durationSec: 2, timeoutSec: 1 };

function asVariant(result: Awaited<ReturnType<typeof autocannonDriver.run>>): VariantRecord {
  return {
    name: 'probe', variant: 'probe', path: '/', mix: null, connections: 4, rps: result.rps, requests: result.requests,
    errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, bytesPerSec: result.bytesPerSec,
    latencyMs: result.latencyMs, cpuMsPerRequest: null, gcMsPerRequest: null, allocBytesPerRequest: null, lockWait: null, workPerRequest: {}, memory: null,
    generatorCpuPct: result.generatorCpuPct, generatorWarnings: result.generatorWarnings, profiler: null, flamegraph: null, topFrames: [], allocFrames: null, reports: {}, drained: true,
    rounds: [], spread: { rpsMin: result.rps, rpsMax: result.rps }, serverCpuPct: 0,
  };
}

describe('autocannon driver', () => {
  it('measures a healthy endpoint: 2xx only, rps counted from completed responses', async () => {
    server = await listen((_req, res) => res.end('{"ok":true}'));
    const result = await autocannonDriver.run({ url: `${server.url}/`, ...short });
    expect(result.ok).toBeGreaterThan(100);
    expect(result.rps).toBeCloseTo(result.ok / result.durationSec, 5);
    expect(result.non2xx + result.errors + result.timeouts).toBe(0);
    // The test server shares this process with the driver, so the CPU meter counts both: leave it out.
    expect(judgeValidity([{ ...asVariant(result), generatorCpuPct: 0 }], null).valid).toBe(true);
  });

  it('counts a server that never replies as timeouts, with zero rps, and the run is invalid', async () => {
    server = await listen(() => {
      // never answer
    });
    const result = await autocannonDriver.run({ url: `${server.url}/`, ...short });
    expect(result.timeouts).toBeGreaterThan(0);
    expect(result.rps).toBe(0);
    const validity = judgeValidity([asVariant(result)], null);
    expect(validity.valid).toBe(false);
    expect(validity.notes.join('\n')).toMatch(/timeouts/);
  });

  it('never counts 500s as successes, and the run is invalid', async () => {
    server = await listen((_req, res) => {
      res.statusCode = 500;
      res.end('{"error":"boom"}');
    });
    const result = await autocannonDriver.run({ url: `${server.url}/`, ...short });
    expect(result.requests).toBeGreaterThan(0);
    expect(result.non2xx).toBe(result.requests);
    expect(result.ok).toBe(0);
    expect(result.rps).toBe(0);
    expect(judgeValidity([asVariant(result)], null).notes.join('\n')).toMatch(/non-2xx/);
  });

  it('cycles a mix of paths with their headers; 3xx count as answers only when the lesson expects them', async () => {
    const seen = new Map<string, number>();
    server = await listen((req, res) => {
      seen.set(`${req.url} ${req.headers['if-none-match'] ?? ''}`, (seen.get(`${req.url} ${req.headers['if-none-match'] ?? ''}`) ?? 0) + 1);
      if (req.url === '/link') res.writeHead(301, { location: 'https://example.org/' }).end();
      else if (req.headers['if-none-match'] === '"v1"') res.writeHead(304).end();
      else res.end('file');
    });
    const requests = [{ path: '/a.html' }, { path: '/link' }, { path: '/b.css', headers: { 'if-none-match': '"v1"' } }];
    const accepted = await autocannonDriver.run({ url: server.url, requests, acceptRedirects: true, ...short });
    expect([...seen.keys()].sort()).toEqual(['/a.html ', '/b.css "v1"', '/link ']);
    const counts = [...seen.values()];
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(short.connections); // each path its share
    expect(accepted.non2xx).toBe(0);
    expect(accepted.ok).toBe(accepted.requests);
    const strict = await autocannonDriver.run({ url: server.url, requests, ...short });
    expect(strict.non2xx / strict.requests).toBeGreaterThan(0.6); // the 301s and 304s: two in three
    expect(strict.non2xx / strict.requests).toBeLessThan(0.7);
  });

  it('drops the ramp: what answers before the window opens is not counted, and the window is timed to the ms', async () => {
    const startedAt = Date.now();
    // Slow for the first 400 ms (as connections open and queues fill), then at once.
    server = await listen((_req, res) => {
      if (Date.now() - startedAt < 400) setTimeout(() => res.end('slow'), 300);
      else res.end('fast');
    });
    let windowOpened = 0;
    const result = await autocannonDriver.run({
      url: `${server.url}/`, connections: 4, durationSec: 0.5, rampSec: 0.7, timeoutSec: 2,
      onWindowStart: async () => {
        windowOpened += 1;
      },
    });
    expect(windowOpened).toBe(1);
    expect(result.latencyMs.max).toBeLessThan(300); // no slow answer made it into the window
    expect(result.durationSec).toBeGreaterThan(0.45);
    expect(result.durationSec).toBeLessThan(0.9); // not rounded up to whole seconds
    expect(result.rps).toBeCloseTo(result.ok / result.durationSec, 5);
  });

  it.each(['http://localhost:80/', 'http://10.0.0.1/', 'https://127.0.0.1/', 'not a url'])('refuses to send load to %s', async (url) => {
    await expect(autocannonDriver.run({ url, ...short })).rejects.toMatchObject({ code: 'E_TARGET' });
  });

  it('flags a run whose generator was above 90% of a core', () => {
    server = null;
    const busy = { ...asVariant({ driver: 'autocannon', requests: 10, ok: 10, non2xx: 0, errors: 0, timeouts: 0, durationSec: 1, rps: 10, bytesPerSec: 0, latencyMs: { p50: 1, p90: 1, p99: 1, max: 1 }, generatorCpuPct: 97, generatorWarnings: [] }) };
    const validity = judgeValidity([busy], null);
    expect(validity.valid).toBe(false);
    expect(validity.notes.join('\n')).toMatch(/load generator used 97%/);
  });

  it('at the ceiling, a generator busier than the server makes a lower bound, not an invalid run', () => {
    const fine = { ...asVariant({ driver: 'autocannon', requests: 10, ok: 10, non2xx: 0, errors: 0, timeouts: 0, durationSec: 1, rps: 10, bytesPerSec: 0, latencyMs: { p50: 1, p90: 1, p99: 1, max: 1 }, generatorCpuPct: 40, generatorWarnings: [] }) };
    const busyRound = { ...fine, generatorCpuPct: 97, serverCpuPct: 70, durationSec: 1, rampSec: 0.5 };
    const ceiling = { ...fine, name: 'ceiling', generatorCpuPct: 97, serverCpuPct: 70, rounds: [busyRound, busyRound] };
    const validity = judgeValidity([fine], ceiling);
    expect(validity.valid).toBe(true);
    expect(validity.notes.join('\n')).toMatch(/ceiling was set by the load generator \(97% of a core\) more than the server \(70%\).*lower bound/);
    // The remedy fits the options in use: Locust's fast model is not suggested when it is in use.
    const locust = judgeValidity([{ ...fine, generatorCpuPct: 95 }], null, { driver: 'locust', locustUser: 'fast', locustWorkers: 0, connections: 100 });
    expect(locust.valid).toBe(false);
    expect(locust.notes.join('\n')).toMatch(/add --locust-workers 2\)/);
    expect(locust.notes.join('\n')).not.toMatch(/--locust-user fast/);
  });
});
