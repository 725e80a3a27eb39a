// Progress lines on a pipe count whole seconds the same way whatever the driver's tick.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Terminal } from '../../lab/terminal.js';

function plainLines(ticks: readonly number[]): string[] {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const bar = new Terminal(stream).progress('held-mutex', 4, 'round 1/2');
  for (const tick of ticks) bar.update(tick, 10);
  bar.done('done');
  return text.trimEnd().split('\n');
}

describe('plain progress lines', () => {
  it('are the same for a driver that reports each second (autocannon) and one that reports four times a second (Locust)', () => {
    const autocannon = plainLines([1, 2, 3, 4]);
    const locust = plainLines([0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3, 3.25, 3.5, 3.75, 4]);
    expect(locust).toEqual(autocannon);
    expect(autocannon).toEqual(['  held-mutex             round 1/2 2/4 s  10.0 req/s', '  held-mutex             round 1/2 4/4 s  10.0 req/s', '- held-mutex             done']);
  });
});
