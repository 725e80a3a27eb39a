// A verdict that cannot fail checks nothing. Each lesson's fast variant is replaced by its slow
// handler under the fast name (HOTPATH_SWAP): the answers stay equal, the load is real, and the
// verdict must be "disagrees", exit 1.
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../lab/run-record.js';
import { leftovers, removeTestHomes, runCli } from '../helpers/run-cli.js';

afterAll(removeTestHomes);

// Short and unprofiled: the swapped variants miss theory by 3x and more, or by counted work.
const SHORT = ['--json', '--no-flamegraph', '--warmup', '0', '--duration', '1', '--rounds', '2'];

describe('a fast variant that is really the slow one is caught', { timeout: 120_000 }, () => {
  it.each([
    [2, 'rwlock-early-release=held-mutex', /rwlock-early-release: .* — outside/],
    [3, 'no-clone=clone-every-round', /the copies theory counts .* — outside/],
    [4, 'cached-map=fetch-per-request', /upstream fetches per request: .* — outside/],
    [5, 'stream-stat-etag=readfile-sha1', /warm \(If-None-Match → 304\): .* — outside/],
    // The "cluster" is one process: it keeps one core busy, far below the cores left.
    [6, 'cluster=one-process', /cores kept busy: .* — outside/],
    [7, 'pooled-one-pass=alloc-chained', /pool, one-pass escaping: saved .* — outside/],
  ])('lesson %i with HOTPATH_SWAP=%s disagrees', async (lesson, swap, note) => {
    const run = await runCli([String(lesson), ...SHORT], { HOTPATH_SWAP: swap });
    const record = JSON.parse(run.stdout) as RunRecord;
    expect(record.status).toBe('complete');
    expect(record.comparison.verdict).toBe('disagrees');
    expect(record.comparison.agreesWithTheory).toBe(false);
    expect(record.comparison.notes.join('\n')).toMatch(note);
    expect(run.code).toBe(1);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
  });
});
