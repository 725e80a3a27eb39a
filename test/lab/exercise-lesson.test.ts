// An exercise run's verdict on synthetic rounds: the deciding figure against the threshold, in
// every round (req/s for lesson 2, bytes allocated for lesson 3, kernel-counted bytes read for
// lesson 5), and the derived lesson's shape.
import { describe, expect, it } from 'vitest';
import { overallOutcome } from '../../core/checks.js';
import type { Lesson, MeasuredPoint, RoundFigures } from '../../core/lesson.js';
import { EXERCISE_RATIO, exerciseLesson, exerciseNames, exerciseVerdict, improvement } from '../../lab/exercise-lesson.js';
import { findLesson, lessons } from '../../lessons/catalog.js';

const base: RoundFigures = {
  rps: 0, latencyMs: { p50: 1, p90: 1, p99: 1, max: 1 }, cpuMsPerRequest: 1, gcMsPerRequest: 0.1, allocBytesPerRequest: null, lockWait: null,
  bytesPerSec: 0, workPerRequest: {}, memory: null, serverCpuPct: 50, generatorCpuPct: 20,
};

/** A point whose rounds have these figures. */
function point(variant: string, rounds: Partial<RoundFigures>[]): MeasuredPoint {
  const each = rounds.map((r) => ({ ...base, ...r }));
  return { ...each[0]!, label: variant, variant, connections: 1, rounds: each, spread: { rpsMin: 0, rpsMax: 0 } };
}

function judge(lesson: Lesson, slow: Partial<RoundFigures>[], mine: Partial<RoundFigures>[], reference = mine, cores = 1) {
  const names = exerciseNames(lesson, lesson.exercise!);
  const verdict = exerciseVerdict(lesson.exercise!, names, [point(names.slow, slow), point(names.exercise, mine), point(names.reference, reference)], {}, cores);
  return { verdict, outcome: overallOutcome(verdict.checks) };
}

const heldLock = findLesson(2)!;
const cloneInLoop = findLesson(3)!;
const wholeFiles = findLesson(5)!;
const shareNothing = findLesson(6)!;

describe('exercise verdict', () => {
  const t2 = heldLock.exercise!.threshold;
  it('passes only when every round beats the slow variant by the threshold (req/s)', () => {
    const slow = [{ rps: 20 }, { rps: 20 }, { rps: 20 }];
    expect(judge(heldLock, slow, [{ rps: 20 * t2 * 1.5 }, { rps: 20 * t2 * 2 }, { rps: 20 * t2 * 1.1 }]).outcome).toBe('agrees');
    expect(judge(heldLock, slow, [{ rps: 20 * t2 * 1.5 }, { rps: 20 * t2 * 0.9 }, { rps: 20 * t2 * 1.1 }]).outcome).toBe('inconclusive');
    const tooSlow = judge(heldLock, slow, [{ rps: 21 }, { rps: 19 }, { rps: 20 }]);
    expect(tooSlow.outcome).toBe('disagrees');
    expect(tooSlow.verdict.expected[EXERCISE_RATIO]).toBe(1);
    expect(tooSlow.verdict.notes[0]).toContain(`it passes at ${t2}x in every round — outside at least ${t2}x`);
  });

  it('pairs rounds: a slow minute of the machine lands on both, and the ratio keeps', () => {
    const slow = [{ rps: 20 }, { rps: 10 }, { rps: 20 }];
    expect(judge(heldLock, slow, [{ rps: 20 * t2 * 1.2 }, { rps: 10 * t2 * 1.2 }, { rps: 20 * t2 * 1.2 }]).outcome).toBe('agrees');
  });

  it('judges lesson 3 by bytes allocated, lower is better, and shows req/s without judging it', () => {
    const slow = [{ rps: 12, allocBytesPerRequest: 72e6 }, { rps: 12, allocBytesPerRequest: 72e6 }];
    const fixed = judge(cloneInLoop, slow, [{ rps: 11, allocBytesPerRequest: 40e3 }, { rps: 11, allocBytesPerRequest: 14.7e6 }]);
    expect(fixed.outcome).toBe('agrees'); // slower in req/s, and still passed: the bytes decide
    expect(fixed.verdict.notes.join('\n')).toMatch(/timing, shown and not judged/);
    expect(judge(cloneInLoop, slow, [{ rps: 30, allocBytesPerRequest: 70e6 }, { rps: 30, allocBytesPerRequest: 71e6 }]).outcome).toBe('disagrees');
    expect(fixed.verdict.notes.join('\n')).not.toContain('16 bytes a round');
    // 16 bytes a round (a boxed sum, at the default million rounds) is explained, not left to puzzle over.
    const boxed = exerciseVerdict(cloneInLoop.exercise!, exerciseNames(cloneInLoop, cloneInLoop.exercise!), [
      point('clone-every-round', slow), point('exercise', [{ allocBytesPerRequest: 16.04e6 }, { allocBytesPerRequest: 16.05e6 }]), point('no-clone', [{ allocBytesPerRequest: 40e3 }, { allocBytesPerRequest: 41e3 }]),
    ], { iterations: 1_000_000 });
    expect(boxed.notes.join('\n')).toMatch(/your exercise allocated about 16 bytes a round: not a copy/);
    // Not measured (no instrumentation): nothing to judge, so not a pass.
    expect(judge(cloneInLoop, slow, [{ rps: 30 }, { rps: 30 }]).outcome).not.toBe('agrees');
  });

  it('judges lesson 5 by the bytes the kernel counted as read, a zero among them included', () => {
    const slow = [{ workPerRequest: { readBytes: 150_000 } }, { workPerRequest: { readBytes: 150_000 } }];
    expect(improvement('readBytes', { ...base, workPerRequest: { readBytes: 0 } }, { ...base, workPerRequest: { readBytes: 150_000 } })).toBe(150_000);
    expect(judge(wholeFiles, slow, [{ workPerRequest: { readBytes: 190 } }, { workPerRequest: { readBytes: 0 } }]).outcome).toBe('agrees');
    expect(judge(wholeFiles, slow, [{ workPerRequest: { readBytes: 150_100 } }, { workPerRequest: { readBytes: 149_900 } }]).outcome).toBe('disagrees');
  });
});

describe('exercise verdict: lesson 6, by the cores kept busy, req/s guarding', () => {
  const slow = [{ rps: 120, serverCpuPct: 100, generatorCpuPct: 8 }, { rps: 110, serverCpuPct: 101, generatorCpuPct: 8 }];
  it('passes a cluster that keeps the cores busy and serves more', () => {
    const cluster = [{ rps: 210, serverCpuPct: 190, generatorCpuPct: 8 }, { rps: 200, serverCpuPct: 188, generatorCpuPct: 8 }];
    const passed = judge(shareNothing, slow, cluster, cluster, 2);
    expect(passed.outcome).toBe('agrees');
    expect(passed.verdict.notes[0]).toMatch(/your exercise: 1\.90 cores busy, 1\.\d\dx .* the cores kept busy by one-process/);
  });

  it('fails one that keeps them busy without serving more, and one that stays on one core', () => {
    expect(judge(shareNothing, slow, [{ rps: 118, serverCpuPct: 190 }, { rps: 112, serverCpuPct: 188 }], slow, 2).outcome).toBe('disagrees');
    expect(judge(shareNothing, slow, [{ rps: 119, serverCpuPct: 100 }, { rps: 111, serverCpuPct: 99 }], slow, 2).outcome).toBe('disagrees');
  });

  it('is inconclusive, with the reason, on a machine that leaves one core', () => {
    const oneCore = judge(shareNothing, slow, [{ rps: 119, serverCpuPct: 100 }, { rps: 111, serverCpuPct: 99 }], slow, 1);
    expect(oneCore.outcome).toBe('inconclusive');
    expect(oneCore.verdict.notes[0]).toMatch(/not judged: this machine gives Node 1 core/);
  });
});

describe('the lessons\' exercises', () => {
  it('every lesson whose variants answer alike has one, with a reference variant and file, 2–3 hints and a threshold above 1', () => {
    for (const lesson of lessons.filter((l) => l.equivalentAnswers)) {
      const spec = lesson.exercise;
      expect(spec, `lesson ${lesson.id}`).toBeDefined();
      expect(lesson.variants.map((v) => v.name)).toContain(spec!.reference.variant);
      expect(spec!.hints.length).toBeGreaterThanOrEqual(2);
      expect(spec!.hints.length).toBeLessThanOrEqual(3);
      expect(spec!.threshold).toBeGreaterThan(1);
    }
  });

  it('runs as slow, reference and exercise, without a ceiling or profiles, judged by the exercise', () => {
    const derived = exerciseLesson(heldLock, heldLock.variants[0]!.create!);
    expect(derived.variants.map((v) => v.name)).toEqual(['held-mutex', 'rwlock-early-release', 'exercise']);
    expect(derived.measureCeiling).toBe(false);
    expect(derived.profile).toBe('none');
    const warm = exerciseLesson(wholeFiles, wholeFiles.variants[0]!.serve!);
    expect(warm.plan!(1).map((p) => [p.label, p.revalidate])).toEqual([['readfile-sha1@warm', true], ['stream-stat-etag@warm', true], ['exercise@warm', true]]);
    expect(warm.site!.counters.map((c) => c.name)).toContain('readBytes');
  });
});
