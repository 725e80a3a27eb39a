import { describe, expect, it } from 'vitest';
import { judgeSaving, pooledRunNoise } from '../../core/step-timing.js';

describe('judging a step\'s saving against the noise of single runs', () => {
  it('pools every step\'s scatter around its own median, relative to it, one wild run aside', () => {
    // 3 runs: the middle one (0 by construction) left out, the others 10% off, × √(3/2);
    // 4 runs of a median 505: 15, 5, 5 and 395 ms off (≈3%, 1%, 1%, 78%), × √(4/3).
    const noise = pooledRunNoise([{ runsMs: [100, 110, 90] }, { runsMs: [500, 510, 490, 900] }]);
    const sorted = [0.1 * Math.sqrt(1.5), 0.1 * Math.sqrt(1.5), (15 / 505) * Math.sqrt(4 / 3), (5 / 505) * Math.sqrt(4 / 3), (5 / 505) * Math.sqrt(4 / 3), (395 / 505) * Math.sqrt(4 / 3)].sort((a, b) => a - b);
    expect(noise).toBeCloseTo(1.4826 * ((sorted[2]! + sorted[3]!) / 2), 9);
    expect(pooledRunNoise([{ runsMs: [100] }])).toBe(0);
  });

  it('agrees past 2 standard errors, disagrees past them the other way, and is inconclusive between', () => {
    // 5% noise, 4 runs each, medians 200 and 180: 2 × 1.253 × 0.05 × √((200² + 180²) / 4) ≈ 16.9 ms
    const noise = 0.05;
    expect(judgeSaving('s', [200, 200, 200, 200], [180, 180, 180, 180], noise)).toMatchObject({ outcome: 'agrees', median: 20 });
    expect(judgeSaving('s', [200, 200, 200, 200], [180, 180, 180, 180], noise).noiseMs).toBeCloseTo(16.86, 1);
    expect(judgeSaving('s', [200, 200, 200, 200], [190, 190, 190, 190], noise)).toMatchObject({ outcome: 'inconclusive', edge: 'lower' });
    expect(judgeSaving('s', [200, 200, 200, 200], [230, 230, 230, 230], noise)).toMatchObject({ outcome: 'disagrees' });
  });
});
