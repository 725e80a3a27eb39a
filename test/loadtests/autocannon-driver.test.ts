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
    name: 'probe', variant: 'probe', path: '/', connections: 4, rps: result.rps, requests: result.requests,
    errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, bytesPerSec: result.bytesPerSec,
    latencyMs: result.latencyMs, cpuMsPerRequest: null, gcMsPerRequest: null, lockWait: null,
    generatorCpuPct: result.generatorCpuPct, generatorWarnings: result.generatorWarnings, profiler: null, flamegraph: null, topFrames: [], reports: {}, drained: true,
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
});
