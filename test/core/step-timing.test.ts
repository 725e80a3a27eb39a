import { describe, expect, it } from 'vitest';
import { judgeSaving, pooledRunNoiseMs } from '../../core/step-timing.js';

describe('judging a step\'s saving against the noise of single runs', () => {
  it('pools the scatter of every step\'s runs around its own median, one wild run aside', () => {
    expect(pooledRunNoiseMs([{ runsMs: [100, 110, 90] }, { runsMs: [500, 510, 490, 900] }])).toBeCloseTo(1.4826 * 10, 6);
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
