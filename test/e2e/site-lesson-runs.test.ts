// Lessons 4 and 5 end to end: the generated site, the upstream process, real load with a mix of
// paths (and If-None-Match), the work counters in the record, nothing left behind.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../lab/run-record.js';
import { SITE_FILES, siteBytes } from '../../lessons/support/site/site-layout.js';
import { exitCodeFor, leftovers, removeTestHomes, runCli, startCli, startedServers, waitFor } from '../helpers/run-cli.js';

const E2E_TIMEOUT = 150_000;

afterAll(removeTestHomes);

describe('site lessons, end to end', { timeout: E2E_TIMEOUT }, () => {
  it('lesson 4 --quick: fetch-per-request held to Little\'s law by its upstream, the cached map far above it', async () => {
    // 4 connections waiting 100 ms each: at most 40 req/s. The cached map is bound by the CPU
    // alone (over 1,000 req/s on a 2-core machine), so theory predicts well over 3x.
    const run = await runCli(['4', '--quick', '--json', '--param', 'upstreamMs=100']);
    const record = JSON.parse(run.stdout) as RunRecord;
    expect(run.code).toBe(exitCodeFor(record));
    expect(record.comparison.valid).toBe(true);
    expect(record.params).toEqual({ upstreamMs: 100, refreshMs: 1000 });
    const [slow, fast] = record.variants;
    expect(slow?.name).toBe('fetch-per-request');
    expect(slow!.rps / 40).toBeGreaterThan(0.6);
    expect(slow!.rps / 40).toBeLessThanOrEqual(1.05);
    expect(fast!.rps / slow!.rps).toBeGreaterThanOrEqual(1.5);
    expect(slow!.workPerRequest.upstreamFetches).toBeCloseTo(1, 2);
    expect(fast!.workPerRequest.upstreamFetches).toBeLessThan(0.05);
    expect(slow!.mix).toEqual({ paths: expect.any(Number), ifNoneMatch: false });
    expect(slow!.bytesPerSec).toBeGreaterThan(0);
    expect(existsSync(path.join(run.home, 'site', 'manifest.json'))).toBe(true);
    const started = startedServers(run.stderr).map((s) => s.label);
    expect(started[0]).toBe('upstream'); // first; the variants' servers start together after it
    expect(started.slice(1).sort()).toEqual(['cached-map', 'fetch-per-request']);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });

  it('lesson 5, short: six points, whole-file hashing counted, 304s with If-None-Match, six flame graphs', async () => {
    // Not --quick: a quick run of lesson 5 takes no flame graphs (see its lesson.ts).
    const run = await runCli(['5', '--duration', '2', '--warmup', '1', '--rounds', '2', '--json']);
    const record = JSON.parse(run.stdout) as RunRecord;
    expect(run.code).toBe(exitCodeFor(record));
    expect(record.comparison.valid).toBe(true);
    expect(record.order).toEqual(['readfile-sha1', 'stream-stat-etag', 'express-static', 'readfile-sha1@warm', 'stream-stat-etag@warm', 'express-static@warm']);
    const byName = Object.fromEntries(record.variants.map((v) => [v.name, v]));
    const meanBytes = siteBytes() / SITE_FILES.length;
    // The slow variant hashes the whole file for a 200 and for a 304 alike; the others hash none of it.
    expect(byName['readfile-sha1']!.workPerRequest.bytesHashed! / meanBytes).toBeGreaterThan(0.9);
    expect(byName['readfile-sha1@warm']!.workPerRequest.bytesHashed! / meanBytes).toBeGreaterThan(0.9);
    // A 304 costs the slow variant an open (and a read) of the whole file; the fix answers from stat().
    expect(byName['readfile-sha1@warm']!.workPerRequest.filesOpened).toBeCloseTo(1, 2);
    expect(byName['stream-stat-etag@warm']!.workPerRequest.filesOpened).toBe(0);
    expect(byName['stream-stat-etag']!.workPerRequest.filesOpened).toBeCloseTo(1, 2);
    for (const name of ['readfile-sha1', 'stream-stat-etag', 'express-static']) {
      const cold = byName[name]!;
      const warm = byName[`${name}@warm`]!;
      expect(cold.mix?.ifNoneMatch).toBe(false);
      expect(warm.mix?.ifNoneMatch).toBe(true);
      expect(warm.non2xx + warm.errors).toBe(0); // 304s are answers, not failures
      // A 304 has no body: per request, far fewer bytes than the files themselves.
      expect(warm.bytesPerSec / warm.rps).toBeLessThan(cold.bytesPerSec / cold.rps / 10);
      expect(cold.memory?.rssMb).toBeGreaterThan(0);
    }
    // Speedup compares cold points only: the baseline's own load.
    expect(record.comparison.speedup).toBe(Math.round((Math.max(byName['stream-stat-etag']!.rps, byName['express-static']!.rps) / byName['readfile-sha1']!.rps) * 100) / 100);
    for (const variant of record.variants) {
      expect(variant.profiler, variant.name).toBe('0x');
      expect(statSync(path.resolve(variant.flamegraph!)).size).toBeGreaterThan(10_000);
    }
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });

  it('Ctrl+C during lesson 4: exit 130, the upstream and the servers gone', async () => {
    const run = startCli(['4', '--quick']);
    expect(await waitFor(() => /server fetch-per-request pid=/.test(run.stderr), 30_000)).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.done).toBe(130);
    expect(startedServers(run.stderr).map((s) => s.label)).toContain('upstream');
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });

  it('bad input: an unknown parameter for lesson 5 exits 2 in one line', async () => {
    const run = await runCli(['5', '--param', 'dbMs=5']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/dbMs/);
  });
});
