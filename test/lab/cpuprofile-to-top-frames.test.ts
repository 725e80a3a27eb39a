import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { cpuprofileToTopFrames } from '../../lab/cpuprofile-to-top-frames.js';

// A real profile Node wrote here: `node --cpu-prof` of a script spinning in busySpin() for 300 ms.
const fixture = path.join(projectRoot, 'test', 'fixtures', 'busy-spin.cpuprofile');

describe('cpuprofileToTopFrames', () => {
  it('ranks the spinning function first, by self time', async () => {
    const frames = await cpuprofileToTopFrames(fixture);
    expect(frames[0]?.name).toMatch(/^busySpin .*spin\.mjs:1:/);
    expect(frames[0]?.selfPct).toBeGreaterThan(50);
  });

  it('gives shares that sum to at most 100%, largest first', async () => {
    const frames = await cpuprofileToTopFrames(fixture);
    const shares = frames.map((frame) => frame.selfPct);
    // Each share is rounded to 0.1, so allow 0.05 per frame.
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(100 + 0.05 * shares.length);
    expect([...shares].sort((a, b) => b - a)).toEqual(shares);
  });
});
