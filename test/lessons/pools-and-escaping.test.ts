// Lesson 7's pieces: the two escapes agree on every fortune and on what a fortune could hold, the
// pool reuses and counts what a leak costs, the V8 constant the theory rests on still holds, and
// the verdict follows the bytes.
import { GCProfiler } from 'node:v8';
import escapeHtml from 'escape-html';
import { describe, expect, it } from 'vitest';
import { median, overallOutcome } from '../../core/checks.js';
import type { MeasuredPoint } from '../../core/lesson.js';
import { findLesson } from '../../lessons/catalog.js';
import { escapeChained } from '../../lessons/07-pools-and-escaping/escape-chained.js';
import { REPLACE_CALL_BYTES } from '../../lessons/07-pools-and-escaping/lesson.js';
import { newPage } from '../../lessons/07-pools-and-escaping/page.js';
import { createPool, POOL_SIZE } from '../../lessons/07-pools-and-escaping/pool.js';
import { ADDED_FORTUNE, FORTUNES } from '../../lessons/support/fortunes.js';

const lesson = findLesson(7)!;

describe('lesson 7: escaping', () => {
  it('chained replace and escape-html give the same text for every fortune and for the characters that matter', () => {
    const samples = [...FORTUNES, ADDED_FORTUNE].map((f) => f.message).concat(['', '&&<<>>""\'\'', 'a&amp;b', '<a href="x">it\'s</a>', '—フ&']);
    for (const text of samples) expect(escapeChained(text), text).toBe(escapeHtml(text));
    expect(escapeChained(FORTUNES[10]!.message)).toBe('&lt;script&gt;alert(&quot;This should not be displayed in a browser alert box.&quot;);&lt;/script&gt;');
  });

  it(`allocates ${REPLACE_CALL_BYTES} bytes per global replace that finds nothing (the constant the theory uses), and escape-html nothing`, () => {
    // One window of 200,000 calls read 55.27 B once (a full test run, 2026-11-28): the heap's
    // accounting drifts by some 100 KB a window. Five times the calls, and the median of three
    // windows, keep that drift well under the half byte the assertion allows.
    const perCall = (fn: () => string): number => median([0, 1, 2].map(() => perWindow(fn)));
    const perWindow = (fn: () => string): number => {
      for (let i = 0; i < 20_000; i += 1) fn(); // optimized first, as in a warm server
      const calls = 1_000_000;
      const profiler = new GCProfiler();
      profiler.start();
      const before = process.memoryUsage().heapUsed;
      let length = 0;
      for (let i = 0; i < calls; i += 1) length += fn().length;
      const after = process.memoryUsage().heapUsed;
      const collected = profiler.stop().statistics.reduce((sum, gc) => sum + gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize, 0);
      expect(length).toBeGreaterThan(0);
      return (after - before + collected) / calls;
    };
    const plain = FORTUNES[6]!.message; // nothing to escape
    expect(perCall(() => plain.replace(/&/g, '&amp;'))).toBeCloseTo(REPLACE_CALL_BYTES, 0);
    expect(perCall(() => escapeHtml(plain))).toBeLessThan(1);
  });
});

describe('lesson 7: the pool', () => {
  it('hands back what was checked in, and counts a miss when leaks have emptied it', () => {
    const misses: string[] = [];
    const pool = createPool(POOL_SIZE, () => newPage(0), { add: (name) => misses.push(name) });
    const first = pool.checkOut();
    pool.checkIn(first);
    expect(pool.checkOut()).toBe(first);
    pool.checkIn(first);
    // A handler without `finally` that throws leaks its page: after 128 such requests, every
    // request allocates again.
    for (let i = 0; i < POOL_SIZE; i += 1) pool.checkOut();
    expect(pool.idle).toBe(0);
    expect(misses).toEqual([]);
    pool.checkOut();
    expect(misses).toEqual(['poolMisses']);
    // Never more than its size: an extra page checked in is left to the GC.
    for (let i = 0; i < POOL_SIZE + 5; i += 1) pool.checkIn(newPage(0));
    expect(pool.idle).toBe(POOL_SIZE);
  });
});

describe('lesson 7: verdict', () => {
  const base = { latencyMs: { p50: 1, p90: 1, p99: 1, max: 1 }, cpuMsPerRequest: 1, gcMsPerRequest: 0.1, lockWait: null, bytesPerSec: 0, workPerRequest: {}, memory: null, serverCpuPct: 50, generatorCpuPct: 20 };
  const point = (variant: string, bytes: number[], rps = 400): MeasuredPoint => {
    const rounds = bytes.map((b) => ({ ...base, rps, allocBytesPerRequest: b }));
    return { ...rounds[0]!, label: variant, variant, connections: 10, rounds, spread: { rpsMin: rps, rpsMax: rps } };
  };
  const rows = 2000;
  it('agrees when each change saves what theory says, and disagrees when the pool saves nothing', () => {
    const judge = (pool: number, escape: number) => {
      const slow = 1_500_000;
      return overallOutcome(lesson.verdict({
        params: { rows }, connections: 10, thinkTimeMs: 0, ceiling: null,
        points: [point('alloc-chained', [slow, slow]), point('pooled-chained', [slow - pool, slow - pool]), point('alloc-one-pass', [slow - escape, slow - escape], 520), point('pooled-one-pass', [slow - pool - escape, slow - pool - escape], 520)],
      }).checks);
    };
    const theory = lesson.verdict({ params: { rows }, connections: 10, thinkTimeMs: 0, ceiling: null, points: [point('alloc-chained', [1]), point('pooled-chained', [1]), point('alloc-one-pass', [1]), point('pooled-one-pass', [1])] }).expected;
    const pool = theory.poolSavingBytes as number;
    const escape = theory.escapeSavingBytes as number;
    expect(pool).toBe(rows * 56);
    expect(judge(pool, escape)).toBe('agrees');
    expect(judge(pool * 0.98, escape * 1.01)).toBe('agrees');
    expect(judge(0, escape)).toBe('disagrees');
    expect(judge(pool, escape / 5)).toBe('disagrees');
  });
});
