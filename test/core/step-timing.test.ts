import { describe, expect, it } from 'vitest';
import { judgeSaving, pooledRunNoiseMs } from '../../core/step-timing.js';

describe('judging a step\'s saving against the noise of single runs', () => {
  it('pools the scatter of every step\'s runs around its own median, one wild run aside', () => {
    // 3 runs: the middle one (0 by construction) left out, the others 10 ms off, × √(3/2);
    // 4 runs: 15, 5, 5 and 395 ms off their median (505), × √(4/3). The median of them all: 12.2.
    expect(pooledRunNoiseMs([{ runsMs: [100, 110, 90] }, { runsMs: [500, 510, 490, 900] }])).toBeCloseTo(1.4826 * 10 * Math.sqrt(1.5), 6);
    expect(pooledRunNoiseMs([{ runsMs: [100] }])).toBe(0);
  });
  it('agrees past 2 standard errors, disagrees past them the other way, and is inconclusive between', () => {
    // noise 10 ms per run, 4 runs each: 2 × 1.253 × 10 × √(1/4 + 1/4) ≈ 17.7 ms
    const noise = 10;
    expect(judgeSaving('s', [200, 200, 200, 200], [180, 180, 180, 180], noise)).toMatchObject({ outcome: 'agrees', median: 20 });
    expect(judgeSaving('s', [200, 200, 200, 200], [185, 185, 185, 185], noise)).toMatchObject({ outcome: 'inconclusive', edge: 'lower' });
    expect(judgeSaving('s', [200, 200, 200, 200], [220, 220, 220, 220], noise)).toMatchObject({ outcome: 'disagrees' });
    expect(judgeSaving('s', [200, 200, 200, 200], [180, 180, 180, 180], noise).noiseMs).toBeCloseTo(17.72, 1);
  });
});
