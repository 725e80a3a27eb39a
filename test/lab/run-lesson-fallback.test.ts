// When 0x cannot start a server, the run falls back to node --cpu-prof, says so, and still
// reports top frames. 0x is made to fail here; the servers and the load are real.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { HotpathError } from '../../core/errors.js';
import { parseCliArgs, resolveRunOptions } from '../../lab/options.js';
import { runLesson } from '../../lab/run-lesson.js';
import { Terminal } from '../../lab/terminal.js';
import { findLesson } from '../../lessons/catalog.js';

vi.mock('../../lab/server-process.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lab/server-process.js')>();
  return {
    ...actual,
    startServer: (options: Parameters<typeof actual.startServer>[0]) =>
      options.profiler === '0x'
        ? Promise.reject(new HotpathError('E_SERVER', 'simulated: 0x exited before the server was ready'))
        : actual.startServer(options),
  };
});

const home = mkdtempSync(path.join(os.tmpdir(), 'hotpath-fallback-'));
const previousHome = process.env.HOTPATH_HOME;
process.env.HOTPATH_HOME = home;
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  if (previousHome === undefined) delete process.env.HOTPATH_HOME;
  else process.env.HOTPATH_HOME = previousHome;
});

describe('profiler fallback', () => {
  it('measures with --cpu-prof when 0x fails, and says so', { timeout: 60_000 }, async () => {
    const lesson = findLesson(3)!;
    const options = resolveRunOptions(parseCliArgs(['3', '--duration', '1', '--warmup', '0', '--param', 'iterations=200000']), lesson);
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const { record } = await runLesson(lesson, options, { terminal: new Terminal(output), diagnostics: () => {} });
    for (const variant of record.variants) {
      expect(variant.profiler).toBe('cpu-prof');
      expect(variant.flamegraph).toBeNull();
      expect(variant.topFrames.length).toBeGreaterThan(0);
      expect(variant.topFramesFrom).toBe('windows'); // the in-process sampler does not need 0x
    }
    expect(record.comparison.notes.filter((note) => /fell back to node --cpu-prof/.test(note))).toHaveLength(2);
    expect(printed).toMatch(/top self-time frames · clone-every-round \(V8's sampler over the measured windows\)/);
  });
});
