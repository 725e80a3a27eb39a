// The lessons' verdicts on synthetic measurements: the bands, and theory following the parameters.
import { describe, expect, it } from 'vitest';
import type { MeasuredPoint } from '../../core/lesson.js';
import { findLesson } from '../../lessons/catalog.js';
import { SITE_FILES, siteBytes } from '../../lessons/support/site/site-layout.js';

function point(variant: string, rps: number, extra: Partial<MeasuredPoint> = {}): MeasuredPoint {
  return { label: variant, variant, connections: 100, rps, latencyMs: { p50: 1, p90: 1, p99: 1, max: 1 }, cpuMsPerRequest: 1, gcMsPerRequest: 0.1, allocBytesPerRequest: null, lockWait: null, bytesPerSec: 0, workPerRequest: {}, memory: null, ...extra };
}

const measureFirst = findLesson(1)!;
const heldLock = findLesson(2)!;
const cloneInLoop = findLesson(3)!;

describe('lesson 2 verdict', () => {
  const run = (dbMs: number, held: number, released: number, options: { ceiling?: number | null; thinkTimeMs?: number; connections?: number } = {}) =>
    heldLock.verdict({
      params: { dbMs },
      connections: options.connections ?? 100,
      thinkTimeMs: options.thinkTimeMs ?? 0,
      ceilingRps: options.ceiling === undefined ? 8000 : options.ceiling,
      points: [point('held-mutex', held), point('mutex-early-release', released), point('rwlock-early-release', released)],
    });

  it('agrees inside the bands and says which change mattered', () => {
    const verdict = run(50, 19.5, 1850);
    expect(verdict.agreesWithTheory).toBe(true);
    expect(verdict.expected).toMatchObject({ heldRps: 20, releasedRps: 2000 });
    expect(verdict.notes.join('\n')).toMatch(/Releasing early is what mattered/);
  });

  it('follows dbMs: 20 req/s is wrong for dbMs=40 (bound 25)', () => {
    expect(run(40, 24, 2300).agreesWithTheory).toBe(true);
    expect(run(40, 19, 2300).agreesWithTheory).toBe(false); // 76% of 25
  });

  it('disagrees when the held lock serves more than it can, or released variants far less', () => {
    expect(run(50, 23, 1850).agreesWithTheory).toBe(false); // 115% of 20
    expect(run(50, 19.5, 900).agreesWithTheory).toBe(false); // 45% of 2,000
  });

  it('holds released variants to the ceiling when it is lower than the law', () => {
    const verdict = run(50, 19.5, 1100, { ceiling: 1000, connections: 1000 });
    expect(verdict.expected.releasedRps).toBe(1000);
    expect(verdict.agreesWithTheory).toBe(true); // 110%: inside the wider band against a ceiling
  });

  it('adds think time to Little\'s law (Locust story model)', () => {
    const verdict = run(50, 19.5, 175, { thinkTimeMs: 500 });
    expect(verdict.expected.releasedRps).toBeCloseTo(181.8, 1);
    expect(verdict.agreesWithTheory).toBe(true);
  });
});

describe('lesson 1 verdict', () => {
  const sleepPoint = (connections: number, rps: number): MeasuredPoint => ({ ...point('sleep', rps), label: `sleep@${connections}`, connections });
  it('holds each point to min(connections / sleepMs, ceiling)', () => {
    const verdict = measureFirst.verdict({
      params: { sleepMs: 50 },
      connections: 1000,
      thinkTimeMs: 0,
      ceilingRps: null,
      points: [sleepPoint(1, 19.3), sleepPoint(10, 190), sleepPoint(1000, 7000), { ...point('trivial', 7500), label: 'trivial@1000', connections: 1000 }],
    });
    expect(verdict.agreesWithTheory).toBe(true);
    expect(verdict.expected).toMatchObject({ 'sleep@1': 20, 'sleep@10': 200, 'sleep@1000': 7500 });
  });

  it('disagrees when a point falls below 70% of its bound', () => {
    const verdict = measureFirst.verdict({ params: { sleepMs: 50 }, connections: 10, thinkTimeMs: 0, ceilingRps: null, points: [sleepPoint(10, 120), { ...point('trivial', 5000), label: 'trivial@10', connections: 10 }] });
    expect(verdict.agreesWithTheory).toBe(false);
  });
});

describe('lesson 3 verdict', () => {
  const run = (iterations: number, slow: Partial<MeasuredPoint>, fast: Partial<MeasuredPoint>) =>
    cloneInLoop.verdict({ params: { iterations }, connections: 1, thinkTimeMs: 0, ceilingRps: null, points: [point('clone-every-round', 20, slow), point('no-clone', 35, fast)] });

  it('expects no-clone faster and with less GC per request', () => {
    expect(run(1_000_000, { gcMsPerRequest: 2 }, { gcMsPerRequest: 0.01 }).agreesWithTheory).toBe(true);
    expect(run(1_000_000, { gcMsPerRequest: 0.01 }, { gcMsPerRequest: 2 }).agreesWithTheory).toBe(false);
    expect(run(1_000_000, { rps: 40 }, {}).agreesWithTheory).toBe(false);
  });

  it('with few rounds, expects only that no-clone is not slower', () => {
    expect(run(1000, { rps: 36, gcMsPerRequest: 0.01 }, { rps: 35, gcMsPerRequest: 0.02 }).agreesWithTheory).toBe(true);
    expect(run(1000, { rps: 50 }, { rps: 35 }).agreesWithTheory).toBe(false);
  });
});

describe('lesson 4 verdict', () => {
  const lesson = findLesson(4)!;
  const run = (upstreamMs: number, slowRps: number, fastRps: number, fetches: { slow?: number; fast?: number } = {}) =>
    lesson.verdict({
      params: { upstreamMs, refreshMs: 1000 },
      connections: 10,
      thinkTimeMs: 0,
      ceilingRps: null,
      points: [
        point('fetch-per-request', slowRps, { connections: 10, workPerRequest: { upstreamFetches: fetches.slow ?? 1 } }),
        point('cached-map', fastRps, { connections: 10, workPerRequest: { upstreamFetches: fetches.fast ?? 0.001 } }),
      ],
    });

  it('holds fetch-per-request to Little\'s law over the upstream delay', () => {
    expect(run(50, 180, 1500).agreesWithTheory).toBe(true); // 90% of 200
    expect(run(50, 120, 1500).agreesWithTheory).toBe(false); // 60%
    expect(run(50, 230, 1500).agreesWithTheory).toBe(false); // above the law
    expect(run(100, 95, 1500).expected.fetchPerRequestRps).toBe(100);
  });

  it('when the upstream is quick, expects only that fetching per request is no faster', () => {
    const verdict = run(2, 1200, 1500); // the law's 5,000 req/s is above what the CPU serves
    expect(verdict.agreesWithTheory).toBe(true);
    expect(verdict.notes.join('\n')).toMatch(/something else bounds both \(the CPU\)/);
    expect(run(2, 1700, 1500).agreesWithTheory).toBe(false);
  });

  it('expects one upstream fetch per request, and for the cached map only its refresh rate', () => {
    expect(run(50, 180, 1500, { slow: 0.5 }).agreesWithTheory).toBe(false);
    expect(run(50, 180, 1500, { fast: 0.6 }).agreesWithTheory).toBe(false); // fetching on most requests
    expect(run(50, 180, 1500, { fast: 0.01 }).agreesWithTheory).toBe(false); // 15 per second, refresh is 1
    // Few requests (Locust's think time): 0.125 per request is 1.3 per second, the refresh rate.
    const slowUsers = lesson.verdict({
      params: { upstreamMs: 50, refreshMs: 1000 }, connections: 4, thinkTimeMs: 500, ceilingRps: null,
      points: [point('fetch-per-request', 7, { workPerRequest: { upstreamFetches: 1 } }), point('cached-map', 10.5, { workPerRequest: { upstreamFetches: 0.125 } })],
    });
    expect(slowUsers.agreesWithTheory).toBe(true);
  });
});

describe('lesson 5 verdict', () => {
  const lesson = findLesson(5)!;
  const mean = siteBytes() / SITE_FILES.length;
  const run = (cold: [number, number], warm: [number, number], hashed = mean, fastOpensPer304 = 0) =>
    lesson.verdict({
      params: {},
      connections: 1,
      thinkTimeMs: 0,
      ceilingRps: null,
      points: [
        point('readfile-sha1', cold[0], { workPerRequest: { bytesHashed: hashed } }),
        point('stream-stat-etag', cold[1]),
        point('express-static', cold[1]),
        { ...point('readfile-sha1', warm[0], { workPerRequest: { bytesHashed: hashed, filesOpened: 1 } }), label: 'readfile-sha1@warm', revalidate: true },
        { ...point('stream-stat-etag', warm[1], { workPerRequest: { filesOpened: fastOpensPer304 } }), label: 'stream-stat-etag@warm', revalidate: true },
        { ...point('express-static', warm[1] * 0.95), label: 'express-static@warm', revalidate: true },
      ],
    });

  it('expects a cold tie, a warm-cache win of 2x or more, and the whole file hashed each time', () => {
    const verdict = run([390, 370], [1600, 5600]);
    expect(verdict.agreesWithTheory).toBe(true);
    expect(verdict.notes.join('\n')).toMatch(/express-static is as good as the hand-written fast path/);
    expect(run([390, 200], [1600, 5600]).agreesWithTheory).toBe(false); // streaming far behind cold
    expect(run([390, 500], [1600, 5600]).agreesWithTheory).toBe(false); // a cold win the theory does not expect
    expect(run([390, 370], [1600, 2400]).agreesWithTheory).toBe(false); // 1.5x warm
    expect(run([390, 370], [1600, 5600], mean / 2).agreesWithTheory).toBe(false); // hashed half a file?
    expect(run([390, 370], [1600, 5600], mean, 1).agreesWithTheory).toBe(false); // opened the file for a 304
  });

  it('needs all six points', () => {
    const verdict = lesson.verdict({ params: {}, connections: 1, thinkTimeMs: 0, ceilingRps: null, points: [point('readfile-sha1', 1)] });
    expect(verdict.agreesWithTheory).toBe(false);
  });
});
