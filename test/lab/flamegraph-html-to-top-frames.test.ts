import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { flamegraphHtmlToTopFrames } from '../../lab/flamegraph-html-to-top-frames.js';

// The stack data 0x 6.0.0 embedded in a real flamegraph.html (a script spinning in busySpin()).
const fixture = path.join(projectRoot, 'test', 'fixtures', 'busy-spin.0x-flamegraph.html');

describe('flamegraphHtmlToTopFrames', () => {
  it('ranks frames by self time: the spin loop and the clock it reads lead', async () => {
    const frames = await flamegraphHtmlToTopFrames(fixture);
    // busySpin() calls Date.now() in a loop, which lands in the kernel's vDSO clock.
    expect(frames.slice(0, 2).map((frame) => frame.name.split(' ')[0])).toEqual(['[vdso]', 'busySpin']);
    expect(frames[1]?.selfPct).toBeGreaterThan(30);
    const shares = frames.map((frame) => frame.selfPct);
    expect([...shares].sort((a, b) => b - a)).toEqual(shares);
    expect(frames.length).toBeLessThanOrEqual(8);
  });

  it('says so when a file holds no 0x data', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-html-'));
    try {
      const file = path.join(dir, 'empty.html');
      writeFileSync(file, '<html></html>');
      await expect(flamegraphHtmlToTopFrames(file)).rejects.toThrow(/no 0x stack data/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
