import { describe, expect, it } from 'vitest';
import { OutputLines } from '../../core/output-lines.js';

describe('OutputLines', () => {
  it('hands on complete lines across chunks, and the rest on flush', () => {
    const lines = new OutputLines();
    expect(lines.push('HOTPATH_RE')).toEqual([]);
    expect(lines.push('ADY port=1 pid=2\nnext')).toEqual(['HOTPATH_READY port=1 pid=2']);
    expect(lines.push(' line\n')).toEqual(['next line']);
    expect(lines.push('no newline')).toEqual([]);
    expect(lines.flush()).toEqual(['no newline']);
  });

  it('keeps a UTF-8 character whole when a read splits it', () => {
    const lines = new OutputLines();
    const bytes = Buffer.from('speedup → 30x\n', 'utf8');
    const cut = bytes.indexOf(0xe2) + 1; // inside the arrow's three bytes
    expect(lines.push(bytes.subarray(0, cut))).toEqual([]);
    expect(lines.push(bytes.subarray(cut))).toEqual(['speedup → 30x']);
  });

  it('keeps memory bounded: a long tail is cut to its last characters, a long line to its cap', () => {
    const lines = new OutputLines(100, 10);
    for (let i = 0; i < 1000; i += 1) lines.push(`line ${i} ${'x'.repeat(50)}\n`);
    expect(lines.tail()).toHaveLength(100);
    expect(lines.tail().endsWith(`line 999 ${'x'.repeat(50)}\n`)).toBe(true);
    const endless = new OutputLines(100, 10);
    for (let i = 0; i < 1000; i += 1) endless.push('y'.repeat(1000)); // a line that never ends
    expect(endless.flush()[0]!.length).toBeLessThanOrEqual(10);
    expect(endless.push('z\n')[0]!.length).toBeLessThanOrEqual(10);
  });
});
