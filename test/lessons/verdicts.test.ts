// The lessons' verdicts on synthetic measurements: the bands, and theory following the parameters.
import { describe, expect, it } from 'vitest';
import { overallOutcome, type Outcome } from '../../core/checks.js';
import type { CeilingFigures, MeasuredPoint, RoundFigures, Verdict } from '../../core/lesson.js';
import { findLesson } from '../../lessons/catalog.js';
import { SITE_FILES, siteBytes } from '../../lessons/support/site/site-layout.js';

function point(variant: string, rps: number, extra: Partial<MeasuredPoint> = {}): MeasuredPoint {
  return {
    label: variant, variant, connections: 100, rps, latencyMs: { p50: 1, p90: 1, p99: 1, max: 1 }, cpuMsPerRequest: 1, gcMsPerRequest: 0.1,
    allocBytesPerRequest: null, lockWait: null, bytesPerSec: 0, workPerRequest: {}, memory: null, rounds: [], spread: { rpsMin: rps, rpsMax: rps },
    serverCpuPct: 50, generatorCpuPct: 20, ...extra,
  };
}

/** A point measured in rounds: the figures of each round, the median on top. */
function rounds(base: MeasuredPoint, rps: readonly number[], extra: Partial<RoundFigures>[] = []): MeasuredPoint {
  const each = rps.map((value, i) => ({ ...base, rps: value, ...extra[i] }));
  return { ...base, rps: [...rps].sort((a, b) => a - b)[Math.floor(rps.length / 2)]!, rounds: each, spread: { rpsMin: Math.min(...rps), rpsMax: Math.max(...rps) } };
}

function ceilingOf(rps: number | null, setBy: CeilingFigures['setBy'] = 'server', roundRps: number[] = []): CeilingFigures | null {
  return rps === null ? null : { rps, roundRps: roundRps.length > 0 ? roundRps : [rps], setBy };
}

const outcome = (verdict: Verdict): Outcome => overallOutcome(verdict.checks);

const measureFirst = findLesson(1)!;
const heldLock = findLesson(2)!;
const cloneInLoop = findLesson(3)!;

describe('lesson 2 verdict', () => {
  const run = (dbMs: number, held: number, released: number, options: { ceiling?: number | null; thinkTimeMs?: number; connections?: number } = {}) =>
    heldLock.verdict({
      params: { dbMs },
      connections: options.connections ?? 100,
      thinkTimeMs: options.thinkTimeMs ?? 0,
      ceiling: ceilingOf(options.ceiling === undefined ? 8000 : options.ceiling),
      points: [point('held-mutex', held), point('mutex-early-release', released), point('rwlock-early-release', released)],
    });

  it('agrees inside the bands and says which change mattered', () => {
    const verdict = run(50, 19.5, 1850);
    expect(outcome(verdict)).toBe('agrees');
    expect(verdict.expected).toMatchObject({ heldRps: 20, releasedRps: 2000 });
    expect(verdict.notes.join('\n')).toMatch(/Releasing early is what mattered/);
  });

  it('follows dbMs: 20 req/s is wrong for dbMs=40 (bound 25)', () => {
    expect(outcome(run(40, 24, 2300))).toBe('agrees');
    expect(outcome(run(40, 19, 2300))).toBe('disagrees'); // 76% of 25
  });

  it('disagrees when the held lock serves more than it can, or released variants far less', () => {
    expect(outcome(run(50, 23, 1850))).toBe('disagrees'); // 115% of 20
    expect(outcome(run(50, 19.5, 900))).toBe('disagrees'); // 45% of 2,000
  });

  it('holds released variants to the ceiling when it is lower than the law', () => {
    const verdict = run(50, 19.5, 1100, { ceiling: 1000, connections: 1000 });
    expect(verdict.expected.releasedRps).toBe(1000);
    expect(outcome(verdict)).toBe('agrees'); // 110%: inside the wider band against a ceiling
  });

  it('adds think time to Little\'s law (Locust story model)', () => {
    const verdict = run(50, 19.5, 175, { thinkTimeMs: 500 });
    expect(verdict.expected.releasedRps).toBeCloseTo(181.8, 1);
    expect(outcome(verdict)).toBe('agrees');
  });
});

describe('lesson 1 verdict', () => {
  const sleepPoint = (connections: number, rps: number): MeasuredPoint => ({ ...point('sleep', rps), label: `sleep@${connections}`, connections });
  it('holds each point to min(connections / sleepMs, ceiling)', () => {
    const verdict = measureFirst.verdict({
      params: { sleepMs: 50 },
      connections: 1000,
      thinkTimeMs: 0,
      ceiling: ceilingOf(7500),
      points: [sleepPoint(1, 19.3), sleepPoint(10, 190), { ...sleepPoint(1000, 7000), serverCpuPct: 105 }, { ...point('trivial', 7500), label: 'trivial@1000', connections: 1000 }],
    });
    expect(outcome(verdict)).toBe('agrees');
    expect(verdict.expected).toMatchObject({ 'sleep@1': 20, 'sleep@10': 200, 'sleep@1000': 7500 });
  });

  it('past the ceiling, a full CPU decides and the ratio to the trivial route only guards', () => {
    const run = (sleep: MeasuredPoint, setBy: CeilingFigures['setBy'] = 'server') => measureFirst.verdict({
      params: { sleepMs: 50 }, connections: 1000, thinkTimeMs: 0, ceiling: ceilingOf(6000, setBy, [5000, 7000]),
      points: [sleep, { ...point('trivial', 6000), label: 'trivial@1000', connections: 1000 }],
    });
    const saturated = (rps: number[], cpu: number[]) => rounds({ ...sleepPoint(1000, 0), serverCpuPct: Math.min(...cpu) }, rps, cpu.map((serverCpuPct) => ({ serverCpuPct })));
    expect(outcome(run(saturated([4000, 6500], [104, 110])))).toBe('agrees'); // 0.8x and 0.93x
    expect(outcome(run(saturated([2500, 6500], [104, 110])))).toBe('agrees'); // 0.5x, 0.93x: straddles the guard, which cannot make it inconclusive
    expect(outcome(run(saturated([2000, 2500], [104, 110])))).toBe('disagrees'); // 0.4x and 0.36x: far below a full CPU's worth
    const idle = run(saturated([5000, 6500], [40, 45])); // the law failed, but the server was not busy: something else bounds it
    expect(outcome(idle)).toBe('disagrees');
    expect(idle.notes.join('\n')).toMatch(/the server used 43% \(40%–45%\) of a core, saturated as theory says past the ceiling — outside at least 90%/);
    expect(outcome(run(saturated([5000, 6500], [104, 60])))).toBe('inconclusive');
    // A ceiling the generator set: the generator's full core counts.
    const generatorBound = rounds({ ...sleepPoint(1000, 0), serverCpuPct: 60 }, [5000, 6500], [{ serverCpuPct: 60, generatorCpuPct: 95 }, { serverCpuPct: 55, generatorCpuPct: 97 }]);
    expect(outcome(run(generatorBound, 'generator'))).toBe('agrees');
  });

  it('disagrees when a point falls below 70% of its bound', () => {
    const verdict = measureFirst.verdict({ params: { sleepMs: 50 }, connections: 10, thinkTimeMs: 0, ceiling: null, points: [sleepPoint(10, 120), { ...point('trivial', 5000), label: 'trivial@10', connections: 10 }] });
    expect(outcome(verdict)).toBe('disagrees');
  });
});

describe('lesson 3 verdict', () => {
  const KB = 1024;
  const run = (iterations: number, slow: Partial<MeasuredPoint>, fast: Partial<MeasuredPoint>) =>
    cloneInLoop.verdict({ params: { iterations }, connections: 1, thinkTimeMs: 0, ceiling: null, points: [point('clone-every-round', 20, slow), point('no-clone', 35, fast)] });

  it('is decided by the bytes the copies allocate: 72 bytes a round for three ids', () => {
    const verdict = run(1_000_000, { allocBytesPerRequest: 85_000 * KB }, { allocBytesPerRequest: 3 * KB });
    expect(verdict.expected.copyBytesPerRequest).toBe(72_000_000);
    expect(outcome(verdict)).toBe('agrees'); // 85,000 KB over 72 MB: 1.21; 3 KB: 0.00
    expect(outcome(run(1_000_000, { allocBytesPerRequest: 10_000 * KB }, { allocBytesPerRequest: 3 * KB }))).toBe('disagrees'); // a seventh of the copies
    expect(outcome(run(1_000_000, { allocBytesPerRequest: 85_000 * KB }, { allocBytesPerRequest: 85_000 * KB }))).toBe('disagrees'); // no-clone copies too
  });

  it('lets req/s overrule the bytes only when no-clone is clearly slower', () => {
    const bytes = { slow: { allocBytesPerRequest: 85_000 * KB }, fast: { allocBytesPerRequest: 3 * KB } };
    expect(outcome(run(1_000_000, { ...bytes.slow, rps: 36 }, { ...bytes.fast, rps: 35 }))).toBe('agrees'); // a tie: noise
    expect(outcome(run(1_000_000, { ...bytes.slow, rps: 50 }, { ...bytes.fast, rps: 35 }))).toBe('disagrees'); // 0.7x
  });

  it('with few rounds the copies hide in what a request allocates anyway: inconclusive, and req/s still guards', () => {
    const verdict = run(1000, { rps: 36, allocBytesPerRequest: 100 * KB }, { rps: 35, allocBytesPerRequest: 30 * KB });
    expect(verdict.checks.map((c) => c.name)).toEqual(['bytes of the copies', 'req/s']);
    expect(outcome(verdict)).toBe('inconclusive'); // a swapped no-clone would read the same: nothing decides
    expect(outcome(run(1000, { rps: 50, allocBytesPerRequest: 100 * KB }, { rps: 35, allocBytesPerRequest: 30 * KB }))).toBe('disagrees');
    expect(verdict.notes.join('\n')).toMatch(/too few to tell from what a request allocates anyway/);
  });

  it('judges rounds in pairs: bytes straddling the band are inconclusive', () => {
    const slow = rounds(point('clone-every-round', 20), [20, 20, 20], [{ allocBytesPerRequest: 85_000 * KB }, { allocBytesPerRequest: 60_000 * KB }, { allocBytesPerRequest: 85_000 * KB }]);
    const fast = rounds(point('no-clone', 35), [35, 35, 35], [{ allocBytesPerRequest: 3 * KB }, { allocBytesPerRequest: 3 * KB }, { allocBytesPerRequest: 3 * KB }]);
    const verdict = cloneInLoop.verdict({ params: { iterations: 1_000_000 }, connections: 1, thinkTimeMs: 0, ceiling: null, points: [{ ...slow, allocBytesPerRequest: 85_000 * KB }, { ...fast, allocBytesPerRequest: 3 * KB }] });
    expect(outcome(verdict)).toBe('inconclusive'); // clone-every-round: one round at 0.85 of the copies, two at 1.21
    expect(verdict.notes.join('\n')).toMatch(/straddle the lower edge/);
  });
});

describe('rounds and the three outcomes (lesson 2)', () => {
  const run = (released: readonly number[], ceiling: CeilingFigures | null = ceilingOf(8000)) =>
    heldLock.verdict({
      params: { dbMs: 50 }, connections: 100, thinkTimeMs: 0, ceiling,
      points: [rounds(point('held-mutex', 19.5), [19.5, 19.6, 19.4]), rounds(point('mutex-early-release', 0), released), rounds(point('rwlock-early-release', 0), released)],
    });

  it('agrees when every round is in the band, disagrees when every round is out, else is inconclusive', () => {
    expect(outcome(run([1800, 1850, 1900]))).toBe('agrees');
    expect(outcome(run([900, 950, 1000]))).toBe('disagrees');
    const straddling = run([1100, 1300, 1900]); // 55%, 65%, 95% of 2,000
    expect(outcome(straddling)).toBe('inconclusive');
    expect(straddling.notes.join('\n')).toMatch(/straddle the lower edge, 60%.*--rounds 5/);
  });

  it('judges each round against the ceiling round it ran beside', () => {
    // Ceiling rounds 1,000 / 1,500 / 1,200 with 1000 connections: released 1,050 / 1,550 / 1,250 are each ≤ 1.05x their pair.
    const verdict = heldLock.verdict({
      params: { dbMs: 50 }, connections: 1000, thinkTimeMs: 0, ceiling: ceilingOf(1200, 'server', [1000, 1500, 1200]),
      points: [rounds(point('held-mutex', 19.5), [19.5, 19.6, 19.4]), rounds(point('mutex-early-release', 0), [1050, 1550, 1250]), rounds(point('rwlock-early-release', 0), [1050, 1550, 1250])],
    });
    expect(outcome(verdict)).toBe('agrees');
  });

  it('reads a ceiling the generator set as a lower bound: above it is no disagreement', () => {
    const highAboveCeiling = [2000, 2100, 2050]; // 2x a ceiling of 1,000
    const bySever = heldLock.verdict({ params: { dbMs: 50 }, connections: 1000, thinkTimeMs: 0, ceiling: ceilingOf(1000), points: [rounds(point('held-mutex', 19.5), [19.5, 19.5, 19.5]), rounds(point('mutex-early-release', 0), highAboveCeiling), rounds(point('rwlock-early-release', 0), highAboveCeiling)] });
    expect(outcome(bySever)).toBe('disagrees');
    const byGenerator = heldLock.verdict({ params: { dbMs: 50 }, connections: 1000, thinkTimeMs: 0, ceiling: ceilingOf(1000, 'generator'), points: [rounds(point('held-mutex', 19.5), [19.5, 19.5, 19.5]), rounds(point('mutex-early-release', 0), highAboveCeiling), rounds(point('rwlock-early-release', 0), highAboveCeiling)] });
    expect(outcome(byGenerator)).toBe('agrees');
    expect(byGenerator.notes.join('\n')).toMatch(/a lower bound, the generator set it/);
  });

  it('says which change mattered from the rounds, including when it cannot tell', () => {
    const same = run([1800, 1850, 1900]).notes.join('\n');
    expect(same).toMatch(/Releasing early is what mattered/);
    expect(same).toMatch(/no difference at this noise/);
    const noisy = heldLock.verdict({
      params: { dbMs: 50 }, connections: 100, thinkTimeMs: 0, ceiling: ceilingOf(8000),
      points: [rounds(point('held-mutex', 19.5), [19.5, 19.5, 19.5]), rounds(point('mutex-early-release', 0), [1800, 1800, 1800]), rounds(point('rwlock-early-release', 0), [1500, 1800, 2200])],
    }).notes.join('\n');
    expect(noisy).toMatch(/can't tell at this noise/);
    expect(noisy).not.toMatch(/Releasing early is what mattered/);
  });
});

describe('lesson 4 verdict', () => {
  const lesson = findLesson(4)!;
  const run = (upstreamMs: number, slowRps: number, fastRps: number, fetches: { slow?: number; fast?: number } = {}) =>
    lesson.verdict({
      params: { upstreamMs, refreshMs: 1000 },
      connections: 10,
      thinkTimeMs: 0,
      ceiling: null,
      points: [
        point('fetch-per-request', slowRps, { connections: 10, workPerRequest: { upstreamFetches: fetches.slow ?? 1 } }),
        point('cached-map', fastRps, { connections: 10, workPerRequest: { upstreamFetches: fetches.fast ?? 0.001 } }),
      ],
    });

  it('holds fetch-per-request to Little\'s law over the upstream delay', () => {
    expect(outcome(run(50, 180, 1500))).toBe('agrees'); // 90% of 200
    expect(outcome(run(50, 120, 1500))).toBe('disagrees'); // 60%
    expect(outcome(run(50, 230, 1500))).toBe('disagrees'); // above the law
    expect(run(100, 95, 1500).expected.fetchPerRequestRps).toBe(100);
  });

  it('when the upstream is quick, expects only that fetching per request is no faster', () => {
    const verdict = run(2, 1200, 1500); // the law's 5,000 req/s is above what the CPU serves
    expect(outcome(verdict)).toBe('agrees');
    expect(verdict.notes.join('\n')).toMatch(/something else bounds both \(the CPU\)/);
    expect(outcome(run(2, 1700, 1500))).toBe('disagrees');
  });

  it('expects one upstream fetch per request, and for the cached map only its refresh rate', () => {
    expect(outcome(run(50, 180, 1500, { slow: 0.5 }))).toBe('disagrees');
    expect(outcome(run(50, 180, 1500, { fast: 0.6 }))).toBe('disagrees'); // fetching on most requests
    expect(outcome(run(50, 180, 1500, { fast: 0.01 }))).toBe('disagrees'); // 15 per second, refresh is 1
    // Few requests (Locust's think time): 0.125 per request is 1.3 per second, the refresh rate.
    const slowUsers = lesson.verdict({
      params: { upstreamMs: 50, refreshMs: 1000 }, connections: 4, thinkTimeMs: 500, ceiling: null,
      points: [point('fetch-per-request', 7, { workPerRequest: { upstreamFetches: 1 } }), point('cached-map', 10.5, { workPerRequest: { upstreamFetches: 0.125 } })],
    });
    expect(outcome(slowUsers)).toBe('agrees');
  });
});

describe('lesson 5 verdict', () => {
  const lesson = findLesson(5)!;
  const mean = siteBytes() / SITE_FILES.length;
  const run = (cold: [number, number], warm: [number, number], hashed = mean, fastOpensPer304 = 0, connections = 1) =>
    lesson.verdict({
      params: {},
      connections,
      thinkTimeMs: 0,
      ceiling: null,
      points: [
        point('readfile-sha1', cold[0], { workPerRequest: { bytesHashed: hashed } }),
        point('stream-stat-etag', cold[1]),
        point('express-static', cold[1]),
        { ...point('readfile-sha1', warm[0], { workPerRequest: { bytesHashed: hashed, filesOpened: 1 } }), label: 'readfile-sha1@warm', revalidate: true },
        { ...point('stream-stat-etag', warm[1], { workPerRequest: { filesOpened: fastOpensPer304 } }), label: 'stream-stat-etag@warm', revalidate: true },
        { ...point('express-static', warm[1] * 0.95), label: 'express-static@warm', revalidate: true },
      ].map((p) => ({ ...p, connections })),
    });

  it('expects a cold tie, a warm-cache win of 2x or more, and the whole file hashed each time', () => {
    const verdict = run([390, 370], [1600, 5600]);
    expect(outcome(verdict)).toBe('agrees');
    expect(verdict.notes.join('\n')).toMatch(/express-static is as good as the hand-written fast path/);
    expect(outcome(run([390, 200], [1600, 5600]))).toBe('disagrees'); // streaming far behind cold
    expect(outcome(run([390, 500], [1600, 5600]))).toBe('disagrees'); // a cold win the theory does not expect
    expect(outcome(run([390, 370], [1600, 2400]))).toBe('disagrees'); // 1.5x warm
    expect(outcome(run([390, 370], [1600, 5600], mean / 2))).toBe('disagrees'); // hashed half a file?
    expect(outcome(run([390, 370], [1600, 5600], mean, 1))).toBe('disagrees'); // opened the file for a 304
  });

  it('with two requests in flight (wrk\'s default), a cold tie may lean the stream\'s way', () => {
    expect(outcome(run([390, 500], [1600, 5600], mean, 0, 2))).toBe('agrees'); // 1.28x: the hash spared
    expect(lesson.theory({ params: {}, connections: 2, thinkTimeMs: 0, cores: 2 }).headline).toMatch(/2 requests in flight: about a tie \(0\.7x–1\.5x\)/);
    expect(outcome(run([390, 640], [1600, 5600], mean, 0, 2))).toBe('disagrees'); // 1.64x: more than a tie
    expect(outcome(run([390, 250], [1600, 5600], mean, 0, 2))).toBe('disagrees'); // 0.64x: far behind
  });

  it('needs all six points', () => {
    const verdict = lesson.verdict({ params: {}, connections: 1, thinkTimeMs: 0, ceiling: null, points: [point('readfile-sha1', 1)] });
    expect(outcome(verdict)).toBe('disagrees');
  });
});
