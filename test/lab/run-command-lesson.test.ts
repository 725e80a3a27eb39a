// The whole-process runner with a stand-in command (test/fixtures/fake-px-check.mjs): what it
// records, and what it refuses (steps that generate different things, a failing command), each
// time leaving no work folder and no upstream behind.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandLesson, CommandRunOptions } from '../../core/command-lesson.js';
import { CODEGEN_WORK_PREFIX, projectRoot, upstreamMain } from '../../core/paths.js';
import { isAlive } from '../../core/proc-stat.js';
import { runCommandLesson } from '../../lab/run-command-lesson.js';
import { Terminal } from '../../lab/terminal.js';

const fixture = path.join(projectRoot, 'test', 'fixtures', 'fake-px-check.mjs');
let home: string;
const previousHome = process.env.HOTPATH_HOME;
beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'hotpath-test-'));
  process.env.HOTPATH_HOME = home;
});
afterAll(() => {
  if (previousHome === undefined) delete process.env.HOTPATH_HOME;
  else process.env.HOTPATH_HOME = previousHome;
  rmSync(home, { recursive: true, force: true });
});

function fakeLesson(mode: (step: string) => string): CommandLesson {
  return {
    kind: 'command', id: 9, slug: '09-fake', title: 'fake', story: { id: '000', figures: '' }, watch: [], params: [],
    steps: ['one', 'two', 'three'].map((name, i) => ({ name, label: i === 0 ? name : `#${i}`, summary: name, story: { mean: 3 - i, stdev: 0.01 } })),
    runs: { warmup: 1, rounds: 2 }, quickRuns: { warmup: 1, rounds: 2 },
    ensureInputs: async () => 'nothing to make',
    upstream: { main: upstreamMain, args: () => ['--latency-ms', '0'] },
    command: { main: fixture, args: (input) => ['--step', input.step, '--work', input.workDir, '--trace', input.traceFile, '--mode', mode(input.step)] },
    output: { dirs: ['out'], ignore: ['.bookkeeping'] },
    counters: [{ name: 'runs', title: 'runs' }],
    headline: () => 'a fake',
    verdict: () => ({ expected: {}, checks: [], notes: ['judged'] }),
  };
}

const options: CommandRunOptions = { warmup: 1, rounds: 2, quick: true, json: false, verbose: false, hyperfine: false, params: {} };
const output: string[] = [];
const io = { terminal: new Terminal(new Writable({ write: (chunk, _encoding, done) => { output.push(String(chunk)); done(); } })), diagnostics: (line: string) => output.push(line) };

/** Work folders of this process, and upstreams it started that are still alive. */
function leftBehind(): { folders: string[]; upstreams: number[] } {
  const folders = readdirSync(os.tmpdir()).filter((name) => name.startsWith(`${CODEGEN_WORK_PREFIX}${process.pid}-`));
  const upstreams = output.flatMap((line) => [...line.matchAll(/server registry pid=(\d+)/g)].map((m) => Number(m[1]))).filter(isAlive);
  return { folders, upstreams };
}

describe('runCommandLesson', () => {
  it('times every step, checks their outputs agree, and records it all', async () => {
    const { record, recordFile } = await runCommandLesson(fakeLesson(() => 'same'), options, io);
    expect(JSON.parse(readFileSync(recordFile, 'utf8'))).toEqual(JSON.parse(JSON.stringify(record)));
    expect(record).toMatchObject({ kind: 'command', status: 'complete', order: ['one', 'two', 'three'], options: { warmup: 1, rounds: 2 } });
    expect(record.comparison).toMatchObject({ verdict: 'agrees', valid: true, agreesWithTheory: true });
    expect(record.comparison.notes).toContain('judged');
    for (const step of record.variants) {
      expect(step.rps).toBeNull();
      expect(step.runsMs).toHaveLength(2);
      expect(Object.keys(step.wallMs).sort()).toEqual(['max', 'mean', 'median', 'min', 'stdev']);
      expect(step.wallMs.min).toBeGreaterThan(0);
      expect(step.coldMs).toBeGreaterThan(0);
      expect(step.outputDigest).toBe(record.variants[0]!.outputDigest);
      expect(existsSync(path.join(projectRoot, step.trace!)) || existsSync(step.trace!)).toBe(true);
      expect(step.speedup).toBeCloseTo(record.variants[0]!.wallMs.median / step.wallMs.median, 1);
    }
    expect(output.join('')).toMatch(/all 3 steps generate the same 1 files, byte for byte/);
    expect(leftBehind()).toEqual({ folders: [], upstreams: [] });
  }, 60_000);

  it('refuses steps that generate different things, naming the file, and keeps a failed record', async () => {
    const run = runCommandLesson(fakeLesson((step) => (step === 'two' ? 'differ' : 'same')), options, io);
    await expect(run).rejects.toThrow(/two generated a different crate from one: out\/crate\.txt differs/);
    expect(leftBehind()).toEqual({ folders: [], upstreams: [] });
    expect(lastRecord()).toMatchObject({ status: 'failed', comparison: { valid: false } });
  }, 60_000);

  it('refuses a step whose output changes from one run to the next', async () => {
    await expect(runCommandLesson(fakeLesson((step) => (step === 'three' ? 'flaky' : 'same')), options, io))
      .rejects.toThrow(/three generated something else on a later run than on its first \(out\/crate\.txt differs\)/);
    expect(leftBehind()).toEqual({ folders: [], upstreams: [] });
  }, 60_000);

  it('stops at a failing command with its own words', async () => {
    await expect(runCommandLesson(fakeLesson((step) => (step === 'two' ? 'fail' : 'same')), options, io))
      .rejects.toThrow(/the two run failed: the two generator broke on purpose/);
    expect(leftBehind()).toEqual({ folders: [], upstreams: [] });
  }, 60_000);
});

function lastRecord(): unknown {
  const dir = path.join(home, 'results', 'lesson-09');
  const last = readdirSync(dir).sort().at(-1)!;
  return JSON.parse(readFileSync(path.join(dir, last, 'result.json'), 'utf8'));
}
