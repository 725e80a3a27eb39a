// Lesson 9's generator, in process: its inputs are the same everywhere, its lazy cache gives back
// the items a whole parse gives, its five steps generate the same crate byte for byte, and each
// step changes what it says it changes (counted, not timed). Its traces keep Chrome's format.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../lessons/09-code-generator/build.js';
import { lazyDocsCache } from '../../lessons/09-code-generator/cache-lazy.js';
import { fetchAndParse } from '../../lessons/09-code-generator/fetch-docs.js';
import { ensureInputs, type InputsManifest } from '../../lessons/09-code-generator/inputs.js';
import { lesson } from '../../lessons/09-code-generator/lesson.js';
import { pxCheck } from '../../lessons/09-code-generator/px-check.js';
import { createRegistry } from '../../lessons/09-code-generator/registry.js';
import { STEPS } from '../../lessons/09-code-generator/steps.js';
import { newCounters } from '../../lessons/09-code-generator/work-counters.js';
import { writeChangedFiles } from '../../lessons/09-code-generator/write-changed.js';
import { writeEveryFile, writeGenerated } from '../../lessons/09-code-generator/write-files.js';
import { Tracer } from '../../lessons/support/trace-events.js';
import type { StepFigures } from '../../core/command-lesson.js';
import { overallOutcome } from '../../core/checks.js';
import { outputDigest } from '../../lab/output-digest.js';
import { wallStats } from '../../lab/wall-stats.js';
import { judgeExercise } from '../../lab/command-exercise.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotpath-test-'));
  dirs.push(dir);
  return dir;
};
let inputsDir: string;
let manifest: InputsManifest;
let registry: Server;
let registryUrl: string;

beforeAll(async () => {
  inputsDir = path.join(tempDir(), 'inputs');
  manifest = await ensureInputs(inputsDir);
  // No waits: these tests count work; the lesson's runs time it.
  registry = createServer(createRegistry({ dir: inputsDir, manifest, fetchMs: 0, rustdocMs: 0 }));
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}`;
}, 60_000);

afterAll(() => {
  registry?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('lesson 9 inputs', () => {
  it('are tens of MB of docs, made the same way every time', async () => {
    const total = manifest.crates.reduce((sum, crate) => sum + crate.bytes, 0);
    expect(total).toBeGreaterThan(20e6);
    expect(manifest.crates.map((crate) => crate.origin).filter((o) => o === 'local')).toHaveLength(2);
    const again = await ensureInputs(path.join(tempDir(), 'inputs'));
    expect(again.crates.map((crate) => crate.sha256)).toEqual(manifest.crates.map((crate) => crate.sha256));
  }, 60_000);

  it('are not made again when they are there', async () => {
    const before = statSync(path.join(inputsDir, 'manifest.json')).mtimeMs;
    await ensureInputs(inputsDir);
    expect(statSync(path.join(inputsDir, 'manifest.json')).mtimeMs).toBe(before);
  });
});

describe('the lazy cache', () => {
  it('gives back, item by item, what a whole parse gives', async () => {
    const core = manifest.crates.find((crate) => crate.name === 'core')!;
    const hyper = manifest.crates.find((crate) => crate.name === 'hyper')!;
    const origin = { registryUrl, inputsDir, tracer: new Tracer('test'), counters: newCounters() };
    const file = path.join(tempDir(), 'cache.sqlite');
    for (const crate of [core, hyper]) {
      const whole = await fetchAndParse(crate, origin);
      const filling = lazyDocsCache(file, '1.78.0', origin);
      await filling.load(crate); // a miss: parsed whole, stored as items
      filling.close();
      const counters = newCounters();
      const reading = lazyDocsCache(file, '1.78.0', { ...origin, counters });
      const lazy = await reading.load(crate);
      expect(counters).toMatchObject({ cacheHits: 1, docsBytesParsed: 0, itemsParsed: 0 });
      const ids = [1, 2, 3, 17, 999, crate === core ? 23_999 : 2_399];
      for (const id of ids) expect(lazy.item(id)).toEqual(whole.item(id));
      expect(counters.itemsParsed).toBe(ids.length);
      expect([lazy.name, lazy.version, lazy.sha256]).toEqual([whole.name, whole.version, whole.sha256]);
      expect(() => lazy.item(10_000_000)).toThrow(/has no item/);
      reading.close();
    }
  }, 60_000);
});

describe('the five steps', () => {
  it('generate the same crate, and each changes what it says it changes', async () => {
    const work = tempDir();
    const warm = new Map<string, Awaited<ReturnType<typeof pxCheck>>>();
    const digests: string[] = [];
    for (const step of STEPS) {
      const workDir = path.join(work, step.name);
      const input = { step: step.name, config: step.config, inputsDir, manifest, registryUrl, workDir };
      await pxCheck(input); // cold: fills the cache and the output
      const cold = await outputDigest(workDir, lesson.output.dirs, lesson.output.ignore);
      warm.set(step.name, await pxCheck(input));
      const second = await outputDigest(workDir, lesson.output.dirs, lesson.output.ignore);
      expect(second.digest).toBe(cold.digest); // a warm run leaves the same crate
      digests.push(cold.digest);
    }
    expect(new Set(digests).size).toBe(1);
    const c = (name: string) => warm.get(name)!.summary.counters;
    expect(c('baseline')).toMatchObject({ fetches: 14, filesWritten: 27, filesRebuilt: 27, maxInFlight: 1 });
    expect(c('sqlite-cache')).toMatchObject({ fetches: 2, cacheHits: 12, docsBytesParsed: c('baseline').docsBytesParsed });
    expect(c('lazy-items').docsBytesParsed).toBeLessThan(c('sqlite-cache').docsBytesParsed / 10);
    expect(c('lazy-items').itemsParsed).toBeLessThan(c('sqlite-cache').itemsParsed / 10);
    expect(c('lazy-items')).toMatchObject({ cacheHits: 15, filesWritten: 27, filesRebuilt: 27 });
    expect(c('skip-unchanged')).toMatchObject({ filesWritten: 0, filesRebuilt: 0, maxInFlight: 1 });
    expect(c('prefetch-needed')).toMatchObject({ filesWritten: 0, filesRebuilt: 0, maxInFlight: 2, fetches: 2 });
    // The lesson's own verdict, on these counters, finds every mechanism in place.
    const figures = STEPS.map((step): StepFigures => ({ name: step.name, runsMs: [100], wallMs: wallStats([100]), counters: { ...c(step.name) }, peakRssMiB: warm.get(step.name)!.summary.peakRssMiB }));
    const mechanisms = lesson.verdict({ params: { fetchMs: 0, rustdocMs: 0 }, steps: figures }).checks.filter((check) => !check.name.includes('ms saved'));
    expect(mechanisms.map((check) => check.outcome)).toEqual(['agrees', 'agrees', 'agrees', 'agrees']);

    // The trace: Chrome's JSON object format, spans nested on the main lane, two fetch lanes at once.
    const events = warm.get('prefetch-needed')!.tracer.toJSON().traceEvents;
    for (const event of events) {
      expect(event).toMatchObject({ name: expect.any(String), ph: expect.stringMatching(/^[XM]$/), pid: expect.any(Number), tid: expect.any(Number), ts: expect.any(Number) });
      if (event.ph === 'X') expect(event.dur).toBeGreaterThanOrEqual(1);
    }
    const main = events.filter((e) => e.ph === 'X' && e.tid === 1).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const open: Array<{ end: number; name: string }> = [];
    for (const event of main) {
      while (open.length > 0 && open.at(-1)!.end <= event.ts) open.pop();
      if (open.length > 0) expect(event.ts + event.dur!, `${event.name} inside ${open.at(-1)!.name}`).toBeLessThanOrEqual(open.at(-1)!.end);
      open.push({ end: event.ts + event.dur!, name: event.name });
    }
    const fetches = events.filter((e) => e.ph === 'X' && e.cat === 'fetch');
    expect(new Set(fetches.map((e) => e.tid)).size).toBe(2);
    const [a, b] = fetches as [typeof fetches[0], typeof fetches[0]];
    expect(a.ts < b.ts + b.dur! && b.ts < a.ts + a.dur!).toBe(true); // they overlap in time
  }, 120_000);
});

describe('writing and building', () => {
  it('an unchanged file keeps its mtime only when written if changed, and the build follows mtimes', async () => {
    const dir = tempDir();
    const [out, target] = [path.join(dir, 'out'), path.join(dir, 'target')];
    const files = [{ path: 'a.rs', text: 'fn a() {}\n' }, { path: 'sub/b.rs', text: 'fn b() {}\n' }];
    const counters = newCounters();
    const tracer = new Tracer('test');
    await writeGenerated(out, files, writeEveryFile, tracer, counters);
    await build(out, target, tracer, counters);
    expect(counters).toMatchObject({ filesWritten: 2, filesRebuilt: 2 });
    const mtime = statSync(path.join(out, 'a.rs')).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 30));
    await writeGenerated(out, files, writeChangedFiles, tracer, counters);
    expect(statSync(path.join(out, 'a.rs')).mtimeMs).toBe(mtime);
    await build(out, target, tracer, counters);
    expect(counters).toMatchObject({ filesWritten: 2, filesRebuilt: 2 });
    await writeGenerated(out, [files[0]!, { path: 'sub/b.rs', text: 'fn b() { 1 }\n' }], writeChangedFiles, tracer, counters);
    await build(out, target, tracer, counters);
    expect(counters).toMatchObject({ filesWritten: 3, filesRebuilt: 3 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await writeGenerated(out, files, writeEveryFile, tracer, counters);
    await build(out, target, tracer, counters);
    expect(counters).toMatchObject({ filesWritten: 5, filesRebuilt: 5 }); // same text, new mtimes: both again
    writeFileSync(path.join(target, 'a.rs.o'), 'tampered'); // an artefact is not checked, only its source's mtime
    await build(out, target, tracer, counters);
    expect(readFileSync(path.join(target, 'a.rs.o'), 'utf8')).toBe('tampered');
  });
});

describe('lesson 9 verdict', () => {
  const counters = STEPS.map((step) => ({
    baseline: { fetches: 14, maxInFlight: 1, docsBytesParsed: 34e6, itemsParsed: 62_600, filesWritten: 27, filesGenerated: 27, filesRebuilt: 27 },
    'sqlite-cache': { fetches: 2, maxInFlight: 1, docsBytesParsed: 34e6, itemsParsed: 62_600, filesWritten: 27, filesGenerated: 27, filesRebuilt: 27 },
    'lazy-items': { fetches: 2, maxInFlight: 1, docsBytesParsed: 0.3e6, itemsParsed: 532, filesWritten: 27, filesGenerated: 27, filesRebuilt: 27 },
    'skip-unchanged': { fetches: 2, maxInFlight: 1, docsBytesParsed: 0.3e6, itemsParsed: 532, filesWritten: 0, filesGenerated: 27, filesRebuilt: 0 },
    'prefetch-needed': { fetches: 2, maxInFlight: 2, docsBytesParsed: 0.3e6, itemsParsed: 532, filesWritten: 0, filesGenerated: 27, filesRebuilt: 0 },
  })[step.name as 'baseline']);
  const figures = (runs: number[][], override: Partial<Record<number, Record<string, number>>> = {}): StepFigures[] =>
    STEPS.map((step, i) => ({ name: step.name, runsMs: runs[i]!, wallMs: wallStats(runs[i]!), counters: { ...counters[i]!, ...override[i] }, peakRssMiB: 100 }));
  const judge = (steps: StepFigures[]) => overallOutcome(lesson.verdict({ params: { fetchMs: 40, rustdocMs: 150 }, steps }).checks);
  const good = [[1650, 1700, 1620], [1150, 1100, 1190], [680, 700, 670], [550, 560, 590], [420, 430, 400]];

  it('agrees when every step saves more than the noise and does its job', () => {
    expect(judge(figures(good))).toBe('agrees');
  });
  it('calls a step noise-sized (inconclusive) when its saving is within the noise', () => {
    expect(judge(figures([...good.slice(0, 4), [540, 430, 610]]))).toBe('inconclusive');
  });
  it('disagrees when a step is slower beyond the noise', () => {
    expect(judge(figures([...good.slice(0, 3), [900, 920, 890], good[4]!]))).toBe('disagrees');
  });
  it('disagrees when a step is faster but not by doing its job (the build still rebuilt)', () => {
    expect(judge(figures(good, { 3: { filesRebuilt: 27 } }))).toBe('disagrees');
  });
});

describe('wallStats', () => {
  it('is hyperfine\'s summary: mean ± sample standard deviation, min, median, max', () => {
    expect(wallStats([1, 2, 3, 4])).toEqual({ mean: 2.5, stdev: 1.3, min: 1, median: 2.5, max: 4 });
    expect(wallStats([5])).toEqual({ mean: 5, stdev: 0, min: 5, median: 5, max: 5 });
  });
});

describe('lesson 9 exercise verdict', () => {
  const spec = lesson.exercise!;
  const step = (name: string, runsMs: number[], rebuilt: number): StepFigures => ({ name, runsMs, wallMs: wallStats(runsMs), counters: { filesRebuilt: rebuilt }, peakRssMiB: 90 });
  const judge = (mine: number[], rebuilt = 0) => overallOutcome(judgeExercise(spec, [step('lazy-items', [780, 760], 27), step('skip-unchanged', [650, 670], 0), step('exercise', mine, rebuilt)]).checks);

  it('passes a clear win with nothing rebuilt, and fails one that still rebuilds', () => {
    expect(judge([610, 630])).toBe('agrees');
    expect(judge([610, 630], 27)).toBe('disagrees');
  });
  it('calls a ratio just under the threshold, within the noise, inconclusive (a quick check read 1.095x once)', () => {
    expect(judge([698, 712])).toBe('inconclusive');
  });
  it('fails a ratio under the threshold beyond the noise', () => {
    expect(judge([768, 772])).not.toBe('agrees');
  });
});
