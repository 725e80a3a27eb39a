// The lessons' verdicts on synthetic measurements: the bands, and theory following the parameters.
import { describe, expect, it } from 'vitest';
import { findLesson } from '../../lessons/catalog.js';
import type { MeasuredPoint } from '../../server/lesson-types.js';

function point(variant: string, rps: number, extra: Partial<MeasuredPoint> = {}): MeasuredPoint {
  return { label: variant, variant, connections: 100, rps, latencyMs: { p50: 1, p90: 1, p99: 1, max: 1 }, cpuMsPerRequest: 1, gcMsPerRequest: 0.1, lockWait: null, ...extra };
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
