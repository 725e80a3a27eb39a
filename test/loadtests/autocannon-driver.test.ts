// What only autocannon does (driver-contract.test.ts checks what every driver owes): real load
// against tiny real servers.
import { afterEach, describe, expect, it } from 'vitest';
import { judgeValidity } from '../../lab/build-record.js';
import { autocannonDriver } from '../../loadtests/autocannon-driver.js';
import { asVariant } from '../helpers/as-variant.js';
import { listen, type Listening } from '../helpers/listen.js';

let server: Listening | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const short = { connections: 4, durationSec: 2, timeoutSec: 1 };

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
