// `npm run bench`: the performance figures, measured side by side in one run (never in npm test).
//   1. measured/theory for lessons 1 and 2
//   2. lesson 3's slow/fast ratio, with its spread over repetitions
//   3. what /__lab/metrics' instrumentation costs a fast endpoint (on vs off, interleaved)
//   4. what each profiler costs: 0x, V8's CPU sampler, both (a --profile cpu run), the heap sampler of
//      the allocation pass and its V8 flag alone, on lesson 3's two variants (interleaved; `--only profilers`)
//   5. the req/s Locust reaches (standalone, 1 and 2 workers) next to autocannon's
//   6. lessons 4 and 5: slow/fast ratios and MB/s, with their spread over repetitions
//   7. A/A: each lesson's key point against itself, the noise its bands must allow (`--only aa`)
//   8. wall time of real lesson runs against the time budgets (`--only time`)
//   9. 1000 connections opened at once against Node's default accept backlog and the lab's (`--only backlog`)
//  10. lesson 9: each step against itself (A/A), what the verdict's noise rule makes of it (`--only codegen`)
//  11. the three load drivers side by side on a trivial route and a 1 MB file (`--only drivers`)
// Records go to a temp HOTPATH_HOME unless one is set, so the learner's gallery stays theirs.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { ALLOC_PASS, TIMING } from '../core/defaults.js';
import type { Lesson, PlannedPoint } from '../core/lesson.js';
import { projectRoot, safeFileName } from '../core/paths.js';
import { closePoint, measureRound, openPoint, type OpenPointInput, type PointResult, type RunIo } from '../lab/measure-point.js';
import { parseCliArgs, resolveRunOptions } from '../lab/options.js';
import { runLesson } from '../lab/run-lesson.js';
import type { RunRecord } from '../lab/run-record.js';
import { stopAllServers } from '../lab/server-process.js';
import { Terminal } from '../lab/terminal.js';
import { commandLessons, findLesson } from '../lessons/catalog.js';
import type { CommandLesson } from '../core/command-lesson.js';
import { judgeSaving, pooledRunNoise } from '../core/step-timing.js';
import type { StepRecord } from '../lab/command-record.js';
import { runCommandLesson } from '../lab/run-command-lesson.js';
import { autocannonDriver } from '../loadtests/autocannon-driver.js';
import type { LoadDriver } from '../loadtests/load-driver.js';
import { createLocustDriver } from '../loadtests/locust-driver.js';
import { locustInstalled } from '../loadtests/locust-install.js';
import { wrkDriver } from '../loadtests/wrk-driver.js';
import { wrkOnPath } from '../loadtests/wrk-install.js';
import { prepareSite } from '../lab/site-setup.js';
import type { ProfileKind } from '../server/window-profiler.js';

const codeGenerator = commandLessons.find((lesson) => lesson.id === 9)!;
const { values } = parseArgs({ options: { quick: { type: 'boolean' }, reps: { type: 'string' }, only: { type: 'string' }, lessons: { type: 'string' } } });
/** `--lessons 1,3`: the lessons the aa and time sections run (default all). */
const lessonFilter = values.lessons?.split(',').map(Number) ?? null;
const SECTIONS = ['theory', 'clone', 'metrics', 'profilers', 'locust', 'site', 'aa', 'time', 'backlog', 'codegen', 'drivers'] as const;
const only = values.only?.split(',') ?? [...SECTIONS];
const unknownSection = only.find((name) => !(SECTIONS as readonly string[]).includes(name));
if (unknownSection) {
  process.stderr.write(`bench: unknown section \`${unknownSection}\`; sections: ${SECTIONS.join(', ')}\n`);
  process.exit(2);
}
const quick = values.quick ?? false;
// Costs of a few percent need several interleaved runs to stand out of a shared machine's noise.
const reps = Number(values.reps ?? 5);
const seconds = quick ? 3 : 5;

// A temp home is removed at the end; a home the user chose is kept.
const tempHome = process.env.HOTPATH_HOME === undefined;
const home = (process.env.HOTPATH_HOME ??= mkdtempSync(path.join(os.tmpdir(), 'hotpath-bench-')));
const scratch = path.join(home, 'bench');
mkdirSync(scratch, { recursive: true });
const io: RunIo = { terminal: new Terminal(process.stderr), diagnostics: () => {} };
const out: string[] = [];
const say = (line = ''): void => {
  out.push(line);
  process.stderr.write(`${line}\n`);
};

function lessonById(id: number): Lesson {
  const lesson = findLesson(id);
  if (!lesson) throw new Error(`no lesson ${id}`);
  return lesson;
}

async function runQuietly(id: number, argv: string[]): Promise<RunRecord> {
  const lesson = lessonById(id);
  const options = resolveRunOptions(parseCliArgs([String(id), ...argv, ...(quick ? ['--quick'] : [])]), lesson);
  return (await runLesson(lesson, options, io)).record;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const f1 = (value: number): string => value.toFixed(1);
const spread = (values: readonly number[], digits = 2): string => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

async function theoryFigures(): Promise<void> {
  for (const id of [1, 2]) {
    const record = await runQuietly(id, []);
    say(`lesson ${id} · ${record.lesson.title} (${record.options.connections} connections, ${record.options.duration} s per point)`);
    const expected = record.comparison.expected;
    for (const variant of record.variants) {
      const theory = id === 1 ? expected[variant.name] : variant.name === 'held-mutex' ? expected.heldRps : expected.releasedRps;
      if (typeof theory !== 'number' || theory <= 0) {
        say(`  ${variant.name.padEnd(22)} ${f1(variant.rps).padStart(9)} req/s  (the ceiling the other points are held to)`);
        continue;
      }
      say(`  ${variant.name.padEnd(22)} ${f1(variant.rps).padStart(9)} req/s  theory ${String(theory).padStart(7)}  measured/theory ${(variant.rps / theory).toFixed(2)}`);
    }
    if (record.ceiling) say(`  ceiling (trivial route) ${f1(record.ceiling.rps)} req/s`);
    say(`  verdict: ${record.comparison.verdict}${record.comparison.valid ? '' : ' (invalid)'}`);
  }
}

async function cloneRatio(): Promise<void> {
  const ratios: number[] = [];
  const gc: Array<[number, number]> = [];
  for (let rep = 0; rep < reps; rep += 1) {
    const record = await runQuietly(3, ['--no-flamegraph', '--duration', String(seconds)]);
    const [slow, fast] = record.variants;
    if (!slow || !fast || slow.rps <= 0) throw new Error('lesson 3 measured nothing');
    ratios.push(fast.rps / slow.rps);
    gc.push([slow.gcMsPerRequest ?? Number.NaN, fast.gcMsPerRequest ?? Number.NaN]);
  }
  say(`lesson 3 · no-clone / clone-every-round req/s over ${reps} runs (unprofiled): median ${median(ratios).toFixed(2)}x, spread ${spread(ratios)}`);
  say(`  gc ms/req: clone ${gc.map(([s]) => s.toFixed(2)).join(', ')} · no-clone ${gc.map(([, x]) => x.toFixed(3)).join(', ')}`);
}

interface Measured {
  rps: number;
  bytesPerSec: number;
  cpuMsPerRequest: number | null;
  generatorCpuPct: number;
  valid: boolean;
}

/** How the bench runs a server: its profiler, in-process profiles, node flags, environment, load driver. */
interface Setting {
  profiler: '0x' | null;
  windowProfile?: readonly ProfileKind[];
  nodeFlags?: readonly string[];
  env?: Record<string, string>;
  driver?: LoadDriver;
}

/** Measures one endpoint in a fresh server, `reps` times for each setting, settings interleaved. */
async function interleaved(
  lessonId: number,
  variant: string,
  pathWithQuery: string,
  connections: number,
  settings: Record<string, Setting>,
  repetitions = reps,
  serverArgs: readonly string[] = [],
): Promise<Record<string, Measured[]>> {
  const runs: Record<string, Measured[]> = Object.fromEntries(Object.keys(settings).map((name) => [name, []]));
  for (let rep = 0; rep < repetitions; rep += 1) {
    for (const [name, setting] of Object.entries(settings)) {
      const result = await measureOnce(seconds, {
        lessonId, warmup: 1, clinic: null, verbose: false, serverEnv: setting.env, io,
        driver: setting.driver ?? autocannonDriver, runDir: mkdtempSync(path.join(scratch, 'run-')), timeoutSec: TIMING.minRequestTimeoutSec,
        point: { label: `${variant}-${safeFileName(name)}`, variant, connections }, pathWithQuery, profiler: setting.profiler,
        windowProfile: setting.windowProfile, nodeFlags: setting.nodeFlags, serverArgs,
        warmupConnections: connections,
      });
      runs[name]!.push({ rps: result.record.rps, bytesPerSec: result.record.bytesPerSec, cpuMsPerRequest: result.record.cpuMsPerRequest, generatorCpuPct: result.record.generatorCpuPct, valid: result.record.errors + result.record.non2xx === 0 });
    }
  }
  return runs;
}

/** One point, one round, its own server: the bench interleaves settings itself. */
async function measureOnce(durationSec: number, input: OpenPointInput): Promise<PointResult> {
  const open = await openPoint(input);
  try {
    await measureRound(open, { index: 1, of: 1, durationSec, rampSec: TIMING.rampSec });
  } finally {
    // closePoint stops the server; a failed round still must not leave it running.
    if (open.rounds.length === 0) await open.server.stop(TIMING.abortGraceMs);
  }
  return closePoint(open);
}

async function metricsCost(): Promise<void> {
  // The lesson-1 trivial variant: the fastest tracked route, so the instrumentation weighs most here.
  const runs = await interleaved(1, 'trivial', '/lessons/1/trivial', 100, {
    off: { profiler: null, env: { HOTPATH_METRICS: 'off' } },
    on: { profiler: null },
  });
  const rps = (name: string): number[] => runs[name]!.map((run) => run.rps);
  const cpuUs = (name: string): number[] => runs[name]!.map((run) => (run.cpuMsPerRequest ?? Number.NaN) * 1000);
  const [offRps, onRps, offCpu, onCpu] = [median(rps('off')), median(rps('on')), median(cpuUs('off')), median(cpuUs('on'))];
  say(`/__lab/metrics instrumentation (GC observer, GC profiler for bytes allocated, event-loop delay monitor) on lesson 1's trivial route (100 connections, ${reps} interleaved runs each):`);
  say(`  req/s: off ${f1(offRps)} (${spread(rps('off'), 0)}) · on ${f1(onRps)} (${spread(rps('on'), 0)}) · cost ${((1 - onRps / offRps) * 100).toFixed(1)}% (target < 5%)`);
  say(`  server CPU µs/request: off ${f1(offCpu)} (${spread(cpuUs('off'), 1)}) · on ${f1(onCpu)} (${spread(cpuUs('on'), 1)}) · cost ${((onCpu / offCpu - 1) * 100).toFixed(1)}%`);
}

/**
 * Each profiler's cost on lesson 3 (1 connection, its default 1,000,000 rounds): req/s against the
 * same variant unprofiled, settings interleaved. The allocation pass's figures are not the
 * verdict's, but its cost says how long the pass takes to gather its samples.
 */
async function profilerCosts(): Promise<void> {
  const settings: Record<string, Setting> = {
    plain: { profiler: null },
    '0x': { profiler: '0x' },
    'V8 CPU sampler': { profiler: null, windowProfile: ['cpu'] },
    '0x + CPU sampler (--profile cpu)': { profiler: '0x', windowProfile: ['cpu'] },
    'inlining flag alone': { profiler: null, nodeFlags: ALLOC_PASS.nodeFlags },
    'heap sampler + flag (allocation pass)': { profiler: null, windowProfile: ['alloc'], nodeFlags: ALLOC_PASS.nodeFlags },
  };
  for (const variant of ['clone-every-round', 'no-clone']) {
    const runs = await interleaved(3, variant, `/lessons/3/${variant}?iterations=1000000`, 1, settings);
    const plain = median(runs.plain!.map((run) => run.rps));
    say(`profilers on lesson 3 ${variant} (1 connection, ${reps} interleaved runs each; ranges that overlap are no measured difference):`);
    for (const [name, measured] of Object.entries(runs)) {
      const rps = measured.map((run) => run.rps);
      say(`  ${name.padEnd(38)} ${f1(median(rps)).padStart(7)} req/s (${spread(rps, 1)})${name === 'plain' ? '' : ` · ${(median(rps) / plain).toFixed(2)} of plain`}`);
    }
  }
}

async function locustReach(): Promise<void> {
  if (!locustInstalled()) {
    say('load generators: Locust is not installed (apt-get install python3-locust), so this section is skipped');
    return;
  }
  // One run per setting (Locust's start-up makes repetitions slow); the settings are interleaved.
  const locust = (workers: number): LoadDriver => createLocustDriver({ locustfile: 'lesson_01_measure_first.py', workers, userModel: 'fast' });
  const settings = {
    autocannon: { profiler: null },
    'locust standalone': { profiler: null, driver: locust(0) },
    'locust 1 worker': { profiler: null, driver: locust(1) },
    'locust 2 workers': { profiler: null, driver: locust(2) },
  };
  const endpoints: Array<[number, string, string]> = [
    [1, 'trivial', '/lessons/1/trivial'],
    [2, 'rwlock-early-release', '/lessons/2/rwlock-early-release?dbMs=50'],
  ];
  say(`load generators on the fast endpoints (100 connections/users, ${seconds} s, FastHttpUser):`);
  for (const [lessonId, variant, route] of endpoints) {
    const runs = await interleaved(lessonId, variant, route, 100, settings, 1);
    const cells = Object.entries(runs).map(([name, [run]]) => `${name} ${f1(run!.rps)} req/s (${Math.round(run!.generatorCpuPct)}% cpu${run!.valid ? '' : ', errors'})`);
    say(`  ${variant.padEnd(21)} ${cells.join(' · ')}`);
  }
}

/** Driver comparisons: Locust's start-up makes each of its runs slow. */
const DRIVER_REPS_MAX = 3;

/**
 * The three drivers on the same servers, interleaved: lesson 1's trivial route at 100 connections
 * (tiny answers: the server sets the rate) and a 1 MB photo from lesson 5's express.static at 4
 * (bytes: autocannon and Locust read them slower than the server sends them).
 */
async function driverReach(): Promise<void> {
  const driverReps = Math.min(reps, DRIVER_REPS_MAX);
  const haveLocust = locustInstalled();
  if (wrkOnPath() === null) say('load drivers: wrk is not installed (apt-get install -y wrk): its column is skipped');
  if (!haveLocust) say('load drivers: Locust is not installed (apt-get install python3-locust): its column is skipped');
  const site = await prepareSite(lessonById(5), { params: {}, runDir: scratch, verbose: false }, io);
  const endpoints = [
    { lessonId: 1, variant: 'trivial', route: '/lessons/1/trivial', connections: 100, serverArgs: [] as string[], locustfile: 'lesson_01_measure_first.py', what: 'trivial route' },
    { lessonId: 5, variant: 'express-static', route: '/lessons/5/express-static/img/photo-01.jpg', connections: 4, serverArgs: site.serverArgs, locustfile: 'lesson_05_whole_files.py', what: '1 MB file' },
  ];
  say(`load drivers side by side (${seconds} s a run, ${driverReps} interleaved runs each, medians; generator CPU in % of one core, its busiest process):`);
  for (const endpoint of endpoints) {
    const settings: Record<string, Setting> = { autocannon: { profiler: null } };
    if (wrkOnPath() !== null) settings.wrk = { profiler: null, driver: wrkDriver };
    if (haveLocust) settings['locust (FastHttpUser)'] = { profiler: null, driver: createLocustDriver({ locustfile: endpoint.locustfile, workers: 0, userModel: 'fast' }) };
    const runs = await interleaved(endpoint.lessonId, endpoint.variant, endpoint.route, endpoint.connections, settings, driverReps, endpoint.serverArgs);
    say(`  ${endpoint.what} (${endpoint.variant}, ${endpoint.connections} connections):`);
    for (const [name, measured] of Object.entries(runs)) {
      const rps = measured.map((run) => run.rps);
      const mb = measured.map((run) => run.bytesPerSec / 1e6);
      const cpu = measured.map((run) => run.generatorCpuPct);
      const failed = measured.filter((run) => !run.valid).length;
      say(`    ${name.padEnd(22)} ${f1(median(rps)).padStart(8)} req/s (${spread(rps, 0)}) ${f1(median(mb)).padStart(7)} MB/s (${spread(mb, 0)})  generator ${Math.round(median(cpu))}% (${spread(cpu, 0)})${failed ? ` · ${failed} runs with errors` : ''}`);
    }
  }
}

/** Repetitions of whole site-lesson runs: lesson 5 alone measures six points per run. */
const SITE_REPS_MAX = 3;

async function siteRatios(): Promise<void> {
  const siteReps = Math.min(reps, SITE_REPS_MAX);
  const mbps = (bytesPerSec: number): number => bytesPerSec / 1e6; // as formatMbps counts
  const upstream: Array<{ slow: number; fast: number; law: number; slowMb: number; fastMb: number }> = [];
  let setup = '';
  const files: Array<Record<string, { rps: number; mb: number; cpu: number }>> = [];
  for (let rep = 0; rep < siteReps; rep += 1) {
    const four = await runQuietly(4, ['--no-flamegraph', '--duration', String(seconds)]);
    setup = `${four.options.connections} connections, upstream ${four.params.upstreamMs} ms`;
    const [slow, fast] = four.variants;
    upstream.push({ slow: slow!.rps, fast: fast!.rps, law: Number(four.comparison.expected.fetchPerRequestRps ?? Number.NaN), slowMb: mbps(slow!.bytesPerSec), fastMb: mbps(fast!.bytesPerSec) });
    const five = await runQuietly(5, ['--no-flamegraph', '--duration', String(seconds)]);
    files.push(Object.fromEntries(five.variants.map((v) => [v.name, { rps: v.rps, mb: mbps(v.bytesPerSec), cpu: v.cpuMsPerRequest ?? Number.NaN }])));
  }
  const col = <T>(rows: T[], pick: (row: T) => number): number[] => rows.map(pick);
  say(`lesson 4 · fetch-per-request vs cached-map (${setup}, ${siteReps} runs):`);
  say(`  fetch-per-request ${f1(median(col(upstream, (r) => r.slow)))} req/s (${spread(col(upstream, (r) => r.slow), 0)}), ${f1(median(col(upstream, (r) => r.slowMb)))} MB/s · measured/theory ${median(col(upstream, (r) => r.slow / r.law)).toFixed(2)} of ${f1(upstream[0]!.law)}`);
  say(`  cached-map ${f1(median(col(upstream, (r) => r.fast)))} req/s (${spread(col(upstream, (r) => r.fast), 0)}), ${f1(median(col(upstream, (r) => r.fastMb)))} MB/s · cached/per-request median ${median(col(upstream, (r) => r.fast / r.slow)).toFixed(2)}x, spread ${spread(col(upstream, (r) => r.fast / r.slow))}`);
  say(`lesson 5 · whole files vs streams (${lessonById(5).load.connections} connection, ${siteReps} runs; MB/s, req/s, server cpu ms/request, medians):`);
  for (const name of Object.keys(files[0]!)) {
    say(`  ${name.padEnd(22)} ${f1(median(col(files, (r) => r[name]!.mb))).padStart(6)} MB/s ${f1(median(col(files, (r) => r[name]!.rps))).padStart(8)} req/s  cpu ${median(col(files, (r) => r[name]!.cpu)).toFixed(3)} ms/req`);
  }
  const ratio = (a: string, b: string): string => {
    const values = col(files, (r) => r[a]!.rps / r[b]!.rps);
    return `${median(values).toFixed(2)}x (${spread(values)})`;
  };
  say(`  cold: stream-stat-etag/readfile-sha1 ${ratio('stream-stat-etag', 'readfile-sha1')} · express-static/stream-stat-etag ${ratio('express-static', 'stream-stat-etag')}`);
  say(`  warm (If-None-Match): stream-stat-etag/readfile-sha1 ${ratio('stream-stat-etag@warm', 'readfile-sha1@warm')} · express-static/stream-stat-etag ${ratio('express-static@warm', 'stream-stat-etag@warm')}`);
}

/**
 * The point each lesson's bands are about, measured against itself (A/A): two servers of one
 * variant, rounds interleaved as a run does them. How far round i of B strays from round i of A
 * is the noise a band must allow for a ratio that theory says is 1.
 */
const AA_POINTS: Record<number, PlannedPoint> = {
  1: { label: 'trivial@1000', variant: 'trivial', connections: 1000 },
  2: { label: 'rwlock-early-release', variant: 'rwlock-early-release', connections: 100 },
  3: { label: 'clone-every-round', variant: 'clone-every-round', connections: 1 },
  4: { label: 'fetch-per-request', variant: 'fetch-per-request', connections: 4 },
  // At the connections wrk runs it with (lesson 5 picks wrk when installed).
  5: { label: 'readfile-sha1', variant: 'readfile-sha1', connections: lessonById(5).load.preferredDriver?.connections ?? 1 },
};

async function aaSpreads(): Promise<void> {
  say(`A/A: each lesson's key point against itself, rounds interleaved; B/A per round over ${reps} runs of each setting (unprofiled)`);
  for (const [id, point] of Object.entries(AA_POINTS)) {
    if (lessonFilter && !lessonFilter.includes(Number(id))) continue;
    const lesson = lessonById(Number(id));
    const twin: Lesson = {
      ...lesson,
      measureCeiling: false,
      ceilingVariant: undefined,
      plan: () => [{ ...point, label: `${point.label}·A` }, { ...point, label: `${point.label}·B` }],
      verdict: () => ({ expected: {}, checks: [], notes: [] }),
    };
    for (const setting of [['--quick'], []]) {
      const rps: number[] = [];
      const alloc: number[] = [];
      for (let rep = 0; rep < reps; rep += 1) {
        const options = resolveRunOptions(parseCliArgs([id, '--no-flamegraph', ...setting]), twin);
        const { record } = await runLesson(twin, options, io);
        const [a, b] = record.variants as [RunRecord['variants'][number], RunRecord['variants'][number]];
        a.rounds.forEach((roundA, i) => {
          const roundB = b.rounds[i]!;
          if (roundA.rps > 0) rps.push(roundB.rps / roundA.rps);
          if (roundA.allocBytesPerRequest && roundB.allocBytesPerRequest) alloc.push(roundB.allocBytesPerRequest / roundA.allocBytesPerRequest);
        });
      }
      const worst = (values: number[]): string => (values.length === 0 ? 'n/a' : `±${(Math.max(...values.map((v) => Math.abs(v - 1))) * 100).toFixed(1)}%`);
      if (rps.length === 0) {
        say(`  lesson ${id} ${point.label.padEnd(22)} ${(setting[0] ?? 'default').padEnd(8)} nothing measured`);
        continue;
      }
      say(`  lesson ${id} ${point.label.padEnd(22)} ${(setting[0] ?? 'default').padEnd(8)} req/s B/A ${median(rps).toFixed(3)} (${spread(rps, 3)}), worst ${worst(rps)}` +
        ` · alloc B/A ${alloc.length ? `${median(alloc).toFixed(3)} (${spread(alloc, 3)}), worst ${worst(alloc)}` : 'n/a'} · ${rps.length} rounds`);
    }
  }
}

/** Wall time of real runs as a learner starts them (npm, build check included), against the issue's budgets. */
async function timeBudgets(): Promise<void> {
  const budgets: Array<[number, string[], number]> = [
    [1, ['--quick'], 30], [2, ['--quick'], 20], [3, ['--quick'], 20], [4, ['--quick'], 20], [5, ['--quick'], 30],
    [1, [], 60], [2, [], 60], [3, [], 60], [4, [], 60], [5, [], 90], [9, ['--quick'], 30], [9, [], 90],
  ];
  say('wall time of `npm run -s lesson -- N [--quick]` (build check included; dist current):');
  for (const [id, flags, budget] of budgets) {
    if (lessonFilter && !lessonFilter.includes(id)) continue;
    const startedAt = performance.now();
    const run = spawnSync('npm', ['run', '-s', 'lesson', '--', String(id), ...flags], { cwd: projectRoot, env: { ...process.env, HOTPATH_HOME: home }, stdio: 'ignore' });
    const seconds = (performance.now() - startedAt) / 1000;
    say(`  lesson ${id} ${(flags[0] ?? 'default').padEnd(8)} ${seconds.toFixed(1).padStart(5)} s  budget ${budget} s  ${seconds <= budget ? 'ok' : 'OVER'}  exit ${run.status}`);
  }
}

/**
 * Lesson 1 opens 1000 connections at once. With Node's default accept backlog (511) the kernel
 * drops the handshakes it cannot queue and the clients retry a second later: inside a measured
 * window. Counts the connections whose first answer took over 900 ms, per backlog, interleaved.
 */
async function backlogEffect(): Promise<void> {
  const counts: Record<number, number[]> = { 511: [], 2048: [] };
  for (let rep = 0; rep < reps; rep += 1) {
    for (const backlog of [511, 2048]) counts[backlog]!.push(await slowFirstAnswers(backlog, 1000));
  }
  say(`1000 connections opened at once to a trivial server, each sending one request (${reps} tries per backlog, interleaved):`);
  for (const [backlog, values] of Object.entries(counts)) say(`  backlog ${backlog.padStart(4)}: first answer after more than 900 ms for ${values.join(', ')} of 1000 connections`);
}

async function slowFirstAnswers(backlog: number, connections: number): Promise<number> {
  const script = `require('node:http').createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', ${backlog}, function () { console.log(this.address().port); });`;
  const server = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.stdout!.once('data', (data: Buffer) => resolve(Number(String(data))));
      server.once('exit', () => reject(new Error('the backlog test server exited before it listened')));
    });
    const startedAt = performance.now();
    const times = await Promise.all(Array.from({ length: connections }, () => new Promise<number>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
      socket.once('data', () => {
        resolve(performance.now() - startedAt);
        socket.destroy();
      });
      // Never waits forever: a connection unanswered after 10 s counts as slow.
      socket.setTimeout(10_000, () => {
        resolve(Number.POSITIVE_INFINITY);
        socket.destroy();
      });
      socket.once('error', () => resolve(Number.POSITIVE_INFINITY));
    })));
    return times.filter((ms) => ms > 900).length;
  } finally {
    server.kill();
  }
}

/**
 * Lesson 9's A/A: one real step timed twice under two names, interleaved as a lesson run times
 * its steps (3 warm-ups, 10 rounds), `reps` times per step. The verdict's rule (a saving beyond 2
 * standard errors of a difference of medians, the run noise pooled) must call these noise-sized.
 */
async function codegenAa(): Promise<void> {
  const lesson = codeGenerator;
  const rounds = quick ? 3 : 10;
  say(`lesson 9 A/A: each step against itself, ${rounds} runs each, interleaved; the verdict's rule should call them noise-sized:`);
  const quiet: RunIo = { ...io, terminal: new Terminal(new Writable({ write: (_chunk, _encoding, done) => done() })) };
  for (const real of ['baseline', 'lazy-items', 'prefetch-needed']) {
    const step = lesson.steps.find((s) => s.name === real)!;
    const lines: string[] = [];
    let noiseSized = 0;
    for (let rep = 0; rep < reps; rep += 1) {
      const aa: CommandLesson = {
        ...lesson,
        steps: [{ ...step, name: 'a', label: 'a' }, { ...step, name: 'b', label: 'b' }],
        command: { ...lesson.command, args: (input) => lesson.command.args({ ...input, step: real }) },
        verdict: () => ({ expected: {}, checks: [], notes: [] }),
      };
      const params = Object.fromEntries(lesson.params.map((spec) => [spec.name, spec.default]));
      const { record } = await runCommandLesson(aa, { warmup: 3, rounds, quick, json: false, verbose: false, hyperfine: false, params }, quiet);
      const [a, b] = record.variants as [StepRecord, StepRecord];
      const judged = judgeSaving('a over b', a.runsMs, b.runsMs, pooledRunNoise([a, b]));
      if (judged.outcome === 'inconclusive') noiseSized += 1;
      lines.push(`${(a.wallMs.median / b.wallMs.median).toFixed(3)} (${Math.round(judged.median)} ms vs ±${Math.round(judged.noiseMs)}: ${judged.outcome === 'inconclusive' ? 'noise-sized' : judged.outcome}, run ${record.runId})`);
    }
    say(`  ${real.padEnd(16)} median ratio a/b per rep: ${lines.join(' · ')}`);
    say(`  ${''.padEnd(16)} noise-sized in ${noiseSized} of ${reps}`);
  }
}

const started = Date.now();
say(`hotpath bench · ${os.availableParallelism()} cpus · node ${process.version} · ${quick ? 'quick' : 'default'} durations · ${reps} repetitions`);
say();
const sections: Record<(typeof SECTIONS)[number], () => Promise<void>> = {
  theory: theoryFigures, clone: cloneRatio, metrics: metricsCost, profilers: profilerCosts, locust: locustReach, site: siteRatios, aa: aaSpreads, time: timeBudgets, drivers: driverReach,
  backlog: backlogEffect, codegen: codegenAa,
};
const cleanUp = async (): Promise<void> => {
  await stopAllServers(0);
  if (tempHome) rmSync(home, { recursive: true, force: true });
};
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
try {
  for (const name of SECTIONS) {
    if (!only.includes(name)) continue;
    await sections[name]();
    say();
  }
} catch (error) {
  await cleanUp();
  throw error;
}
say(`bench took ${Math.round((Date.now() - started) / 1000)} s`);
await cleanUp();
process.stdout.write(`\n${out.join('\n')}\n`);
