// Bytes allocated, from V8's own GC accounting: what a window allocated, whether or not GCs ran
// in it, and close to nothing for a window that allocates nothing.
import { describe, expect, it } from 'vitest';
import { LabMetrics } from '../../server/lab-metrics.js';

describe('LabMetrics.allocatedBytes', () => {
  it('counts what a window allocated, through many collections', () => {
    const metrics = new LabMetrics({ instrumented: true });
    try {
      const before = metrics.snapshot().allocatedBytes!;
      // 200,000 arrays of 100 doubles: 160 MB of garbage, so the young generation is collected many times.
      let keep = 0;
      for (let i = 0; i < 200_000; i += 1) keep += new Float64Array(0).length + Array.from({ length: 100 }, (_, j) => j + i).length;
      expect(keep).toBe(200_000 * 100);
      const after = metrics.snapshot().allocatedBytes!;
      // Each array: 100 elements × 8 bytes at least (the backing store), whatever V8's headers add.
      // 160 MB cannot sit in a young generation of a few MB: most of it was collected, and counted.
      expect(after - before).toBeGreaterThan(200_000 * 100 * 8);
      expect(after - before).toBeLessThan(200_000 * 100 * 8 * 4);
    } finally {
      metrics.close();
    }
  });

  it('stays near zero for a window that allocates nothing, and is null uninstrumented', () => {
    const metrics = new LabMetrics({ instrumented: true });
    try {
      const first = metrics.snapshot().allocatedBytes!;
      let sum = 0;
      for (let i = 0; i < 1_000_000; i += 1) sum = (sum + i) | 0; // small integers: no heap numbers
      expect(sum).not.toBe(0.5);
      const second = metrics.snapshot().allocatedBytes!;
      expect(second - first).toBeLessThan(256 * 1024); // the snapshot objects themselves
    } finally {
      metrics.close();
    }
    const off = new LabMetrics({ instrumented: false });
    expect(off.snapshot().allocatedBytes).toBeNull();
    off.close();
  });
});
