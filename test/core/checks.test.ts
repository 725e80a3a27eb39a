// The three outcomes of a check, and how its spread is written.
import { describe, expect, it } from 'vitest';
import { checkSuffix, formatSpread, judgeCheck, median, overallOutcome, pairRounds } from '../../core/checks.js';

describe('judgeCheck', () => {
  const band = [0.8, 1.1] as const;
  it('agrees when every value is inside, edges included', () => {
    expect(judgeCheck({ name: 'x', values: [0.8, 0.95, 1.1], band }).outcome).toBe('agrees');
  });
  it('disagrees when every value is beyond the same edge, and names it', () => {
    expect(judgeCheck({ name: 'x', values: [0.5, 0.7], band })).toMatchObject({ outcome: 'disagrees', edge: 'lower' });
    expect(judgeCheck({ name: 'x', values: [1.2, 1.3, 1.5], band })).toMatchObject({ outcome: 'disagrees', edge: 'upper' });
  });
  it('is inconclusive when the values straddle an edge, whatever the median says', () => {
    const low = judgeCheck({ name: 'x', values: [0.7, 0.9, 0.95], band });
    expect(low).toMatchObject({ outcome: 'inconclusive', edge: 'lower', median: 0.9 });
    expect(checkSuffix(low)).toMatch(/straddle the lower edge, 80%, of \[80%, 110%\].*--rounds 5/);
    expect(judgeCheck({ name: 'x', values: [1.0, 1.2, 1.3], band })).toMatchObject({ outcome: 'inconclusive', edge: 'upper' });
  });
  it('with one value there is no spread: in or out', () => {
    expect(judgeCheck({ name: 'x', values: [1.11], band }).outcome).toBe('disagrees');
    expect(judgeCheck({ name: 'x', values: [1.09], band }).outcome).toBe('agrees');
  });
  it('with no value at all, disagrees (nothing was measured)', () => {
    expect(judgeCheck({ name: 'x', values: [], band }).outcome).toBe('disagrees');
  });
  it('open sides', () => {
    expect(judgeCheck({ name: 'x', values: [5, 50], band: [2, Number.POSITIVE_INFINITY] }).outcome).toBe('agrees');
    expect(checkSuffix(judgeCheck({ name: 'x', values: [1, 1.5], band: [2, Number.POSITIVE_INFINITY] }))).toBe(' — outside at least 200%');
  });
});

describe('overallOutcome', () => {
  const of = (...outcomes: ('agrees' | 'disagrees' | 'inconclusive')[]) => outcomes.map((outcome) => ({ outcome }));
  it('disagrees beats inconclusive beats agrees', () => {
    expect(overallOutcome(of('agrees', 'inconclusive', 'disagrees'))).toBe('disagrees');
    expect(overallOutcome(of('agrees', 'inconclusive'))).toBe('inconclusive');
    expect(overallOutcome(of('agrees', 'agrees'))).toBe('agrees');
  });
  it('a guard can disagree but never makes a verdict inconclusive', () => {
    expect(overallOutcome([{ outcome: 'agrees' }, { outcome: 'inconclusive', guard: true }])).toBe('agrees');
    expect(overallOutcome([{ outcome: 'agrees' }, { outcome: 'disagrees', guard: true }])).toBe('disagrees');
  });
});

describe('helpers', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
  it('pairs rounds by index and drops unpaired and non-finite ones', () => {
    expect(pairRounds([10, 20, 30], [5, 0], (a, b) => a / b)).toEqual([2]);
  });
  it('writes a spread only when it shows', () => {
    expect(formatSpread(judgeCheck({ name: 'x', values: [0.951, 0.952], band: [0, 2] }))).toBe('95%');
    expect(formatSpread(judgeCheck({ name: 'x', values: [0.9, 1.0, 0.95], band: [0, 2] }))).toBe('95% (90%–100%)');
  });
});
