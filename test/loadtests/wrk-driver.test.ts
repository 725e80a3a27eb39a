// What only the wrk driver does (driver-contract.test.ts checks what every driver owes), against
// tiny real servers: real wrk, real sockets, nothing mocked.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { judgeValidity } from '../../lab/build-record.js';
import { requestsFileText, wrkDriver } from '../../loadtests/wrk-driver.js';
import { parseWrkReport, wrkReportToResult, WRK_RESULT_PREFIX, type WrkReport } from '../../loadtests/wrk-result.js';
import { findWrk, WRK_INSTALL_HINT, wrkOnPath } from '../../loadtests/wrk-install.js';
import { asVariant } from '../helpers/as-variant.js';
import { listen, type Listening } from '../helpers/listen.js';

let server: Listening | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const short = { connections: 4, durationSec: 2, timeoutSec: 1 };

/** Live wrk processes of this driver whose temp files sit in `workDir` (other tests' are not ours). */
function wrkProcesses(workDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('hotpath.lua')) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').includes(workDir)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

// wrk is optional for a learner, but CI installs it: with CI=true these run (and fail without it).
describe.skipIf(wrkOnPath() === null && process.env.CI !== 'true')('wrk driver', () => {
  it('measures a healthy endpoint: 2xx only, rps and MB/s from the window, its own CPU measured', async () => {
    const body = Buffer.alloc(64 * 1024, 'x');
    server = await listen((_req, res) => res.end(body));
    const result = await wrkDriver.run({ url: `${server.url}/file`, ...short });
    expect(result.driver).toBe('wrk');
    expect(result.ok).toBeGreaterThan(100);
    expect(result.rps).toBeCloseTo(result.ok / result.durationSec, 5);
    expect(result.bytesPerSec).toBeCloseTo((result.ok * body.length) / result.durationSec, 0); // body bytes of the 2xx
    expect(result.non2xx + result.errors + result.timeouts).toBe(0);
    expect(result.durationSec).toBe(2); // the script's window, to the ms
    expect(result.generatorCpuPct).toBeGreaterThan(0); // wrk is a process of its own: read from /proc
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.latencyMs.max).toBeGreaterThanOrEqual(result.latencyMs.p99);
    expect(judgeValidity([asVariant(result)], null, { driver: 'wrk', locustUser: 'fast', locustWorkers: 0, connections: 4 }).valid).toBe(true);
  });

  it('stops when the run is aborted, and leaves no wrk behind', async () => {
    server = await listen((_req, res) => res.end('ok'));
    const controller = new AbortController();
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-wrk-test-'));
    let seenRunning = 0;
    setTimeout(() => {
      seenRunning = wrkProcesses(workDir).length;
      controller.abort();
    }, 1500);
    try {
      const result = await wrkDriver.run({ url: `${server.url}/`, connections: 2, durationSec: 30, rampSec: 0.5, timeoutSec: 2, signal: controller.signal, workDir });
      expect(seenRunning).toBe(1);
      expect(result.durationSec).toBeGreaterThan(0.5);
      expect(result.durationSec).toBeLessThan(2);
      expect(wrkProcesses(workDir)).toEqual([]);
      expect(readdirSync(workDir)).toEqual([]); // its requests file went with it
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});

describe('wrk driver, without load', () => {
  it('refuses a path or header that a tab or line break would split', () => {
    expect(requestsFileText([{ path: '/a', headers: { 'if-none-match': '"v1"' } }, { path: '/b' }])).toBe('/a\tif-none-match: "v1"\n/b\n');
    expect(() => requestsFileText([{ path: '/a\n/b' }])).toThrow(/tab or line break/);
    expect(() => requestsFileText([{ path: '/a', headers: { x: 'a\tb' } }])).toThrow(/header value/);
  });

  it('reads the script\'s result line; none, or a broken one, is said plainly', () => {
    const report: WrkReport = {
      responses: 120, ok: 100, notOk: 20, okBytes: 1_000_000, sent: 124, received: 122, stalled: 2,
      windowStartMs: 1000, windowEndMs: 3000, finishedMs: 3100,
      wrk: { requests: 122, bytes: 1_100_000, durationUs: 2_600_000 },
      errors: { connect: 1, read: 0, write: 0, status: 0, timeout: 3 },
      latencyUs: { min: 90, p50: 1500, p90: 2500, p99: 9000, max: 12345, mean: 1700, stdev: 800 },
    };
    const stdout = `Running 3s test @ http://127.0.0.1:1/\n  1 threads and 4 connections\n${WRK_RESULT_PREFIX}${JSON.stringify(report)}\n`;
    expect(parseWrkReport(stdout)).toEqual(report);
    const result = wrkReportToResult(report, { durationSec: 2, rampSec: 0.5 }, { cpuPct: 12 });
    expect(result).toMatchObject({ driver: 'wrk', requests: 120, ok: 100, non2xx: 20, rps: 50, bytesPerSec: 500_000, rampSec: 0.5, generatorCpuPct: 12 });
    expect(result.timeouts).toBe(5); // late answers (wrk's) and unanswered requests (the script's)
    expect(result.errors).toBe(6); // and the connect error
    expect(result.latencyMs).toEqual({ p50: 1.5, p90: 2.5, p99: 9, max: 12.345 }); // µs at full precision, in ms
    expect(parseWrkReport('Running 3s test\nunable to connect to 127.0.0.1:1 Connection refused\n')).toBeNull();
    expect(() => parseWrkReport(`${WRK_RESULT_PREFIX}{"responses":1\n`)).toThrow(/not JSON/);
    expect(() => parseWrkReport(`${WRK_RESULT_PREFIX}{"responses":1}\n`)).toThrow(/lacks a field/);
  });

  it('without wrk on PATH: a usage error with the apt-get line', () => {
    expect(() => findWrk('/nonexistent')).toThrow(WRK_INSTALL_HINT);
    expect(WRK_INSTALL_HINT).toMatch(/apt-get install -y wrk/);
  });
});
