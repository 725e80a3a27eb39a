// runLesson(): one run of a lesson, as DESIGN.md "One run of a lesson" describes. The CLI, the
// tests and (later) the web console call it; only the CLI turns its outcome into an exit code.
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { autocannonDriver } from '../loadtests/autocannon-driver.js';
import type { LoadDriver, LoadResult } from '../loadtests/load-driver.js';
import { TRIVIAL_PATH, variantPath } from '../server/app.js';
import type { LabMetricsSnapshot } from '../server/lab-metrics.js';
import type { Lesson, MeasuredPoint, PlannedPoint } from '../server/lesson-types.js';
import { toQueryString } from '../server/params.js';
import { cpuprofileToTopFrames } from './cpuprofile-to-top-frames.js';
import { fetchAnswers, findMismatch } from './equivalence.js';
import { HotpathError } from './errors.js';
import { flamegraphHtmlToTopFrames } from './flamegraph-html-to-top-frames.js';
import { publishFlamegraphs, writeComparePage, writeGalleryIndex } from './gallery.js';
import { fetchMetrics, perRequestCosts, resetMetrics, waitForDrain } from './lab-client.js';
import type { RunOptions } from './options.js';
import { newRunId, relativeToRoot, resultsDir } from './paths.js';
import { renderTable, renderTopFrames } from './report.js';
import { SCHEMA_VERSION, writeRunRecord, type RunRecord, type VariantRecord } from './run-record.js';
import { startServer, stopAllServers, type ProfilerName, type StopOutcome } from './server-process.js';
import { markRunFolder, sweepLeftovers } from './sweep.js';
import type { Terminal } from './terminal.js';
import type { TopFrame } from './top-frames.js';

/** Above this share of one core, the load generator, not the server, may have set the number. */
export const GENERATOR_CPU_LIMIT_PCT = 90;
const MIN_TIMEOUT_SEC = 10;
/** The ceiling is only a bound for the theory: half the measured time (at least 2 s) is enough. */
const ceilingDuration = (duration: number): number => Math.max(2, duration / 2);

export interface RunIo {
  /** Where human output goes (stdout, or stderr with --json). */
  terminal: Terminal;
  /** Diagnostic lines (server pids); always stderr. */
  diagnostics: (line: string) => void;
  /** Aborted by Ctrl+C. */
  signal?: AbortSignal;
}

export interface RunOutcome {
  record: RunRecord;
  recordFile: string;
}

interface PointResult {
  record: VariantRecord;
  /** The raw graph to publish, if any. */
  graphHtml: string | null;
}

export async function runLesson(lesson: Lesson, options: RunOptions, io: RunIo): Promise<RunOutcome> {
  const { terminal: t } = io;
  const driver: LoadDriver = autocannonDriver;
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  const runDir = path.join(resultsDir(lesson.id), runId);
  await sweepLeftovers();
  await mkdir(runDir, { recursive: true });
  await markRunFolder(runDir);
  const recordFile = path.join(runDir, 'result.json');

  const theory = lesson.theory({ params: options.params, connections: options.connections });
  printHeader(t, lesson, options, theory.headline);
  const timeoutSec = Math.max(MIN_TIMEOUT_SEC, Math.ceil((2 * theory.worstLatencyMs) / 1000));

  await checkAnswers(lesson, options, t);

  const plan: PlannedPoint[] = lesson.plan?.(options.connections) ??
    lesson.variants.map((variant) => ({ label: variant.name, variant: variant.name, connections: options.connections }));
  const profiler: ProfilerName | null = lesson.profile && options.flamegraph ? '0x' : null;
  const query = toQueryString(options.params);
  const order: string[] = [];
  const points: PointResult[] = [];
  const notes: string[] = [];
  let ceiling: { rps: number; connections: number; result: LoadResult } | null = null;

  const measure = async (point: PlannedPoint, pathWithQuery: string, pointProfiler: ProfilerName | null): Promise<PointResult> => {
    order.push(point.label);
    const duration = point.label === 'ceiling' ? Math.min(options.duration, ceilingDuration(options.duration)) : options.duration;
    return measurePoint({ lesson, options, io, driver, runDir, timeoutSec, point, pathWithQuery, profiler: pointProfiler, duration, warmupConnections: lesson.load.warmupConnections?.(point.connections) ?? point.connections });
  };

  try {
    if (lesson.measureCeiling) {
      const baseline = lesson.variants[0]!.name;
      const result = await measure({ label: 'ceiling', variant: baseline, connections: options.connections }, TRIVIAL_PATH, null);
      ceiling = { rps: result.record.rps, connections: options.connections, result: resultToLoad(result.record) };
    }
    for (const point of plan) {
      const pathWithQuery = `${variantPath(lesson, lesson.variants.find((v) => v.name === point.variant)!)}${query}`;
      let result = await measure(point, pathWithQuery, profiler).catch(async (error: unknown) => {
        if (profiler !== '0x' || !(error instanceof HotpathError) || error.code !== 'E_SERVER') throw error;
        notes.push(`0x could not start ${point.label} (${error.message}); fell back to node --cpu-prof`);
        return measure(point, pathWithQuery, 'cpu-prof');
      });
      if (profiler === '0x' && result.record.profiler === '0x' && !result.graphHtml) {
        notes.push(`0x wrote no flame graph for ${point.label}; measured it again under node --cpu-prof for its top frames`);
        result = await measure(point, pathWithQuery, 'cpu-prof');
      }
      points.push(result);
    }
  } catch (error) {
    await stopAllServers();
    if (io.signal?.aborted) {
      const record = buildRecord({ lesson, options, runId, startedAt, order, points, ceiling, notes: [...notes, 'interrupted by Ctrl+C before the run finished'], aborted: true });
      await writeRunRecord(recordFile, record);
      throw new HotpathError('E_INTERRUPTED', `interrupted; partial record in ${relativeToRoot(recordFile)}`);
    }
    throw error;
  }

  const record = buildRecord({ lesson, options, runId, startedAt, order, points, ceiling, notes, aborted: false });
  const graphs = points.filter((p) => p.graphHtml).map((p) => ({ label: p.record.name, html: p.graphHtml as string }));
  if (graphs.length > 0) {
    const published = await publishFlamegraphs(lesson.id, runId, graphs);
    for (const graph of published) {
      const variant = record.variants.find((v) => v.name === graph.label);
      if (variant) variant.flamegraph = relativeToRoot(graph.file);
    }
    record.compareFlamegraphs = relativeToRoot(await writeComparePage(record, published));
  }
  await writeRunRecord(recordFile, record);
  const gallery = await writeGalleryIndex();
  printResults(t, record, recordFile, graphs.length > 0 ? gallery : null);
  return { record, recordFile };
}

interface MeasurePointInput {
  lesson: Lesson;
  options: RunOptions;
  io: RunIo;
  driver: LoadDriver;
  runDir: string;
  timeoutSec: number;
  point: PlannedPoint;
  pathWithQuery: string;
  profiler: ProfilerName | null;
  /** Measured seconds for this point. */
  duration: number;
  warmupConnections: number;
}

async function measurePoint(input: MeasurePointInput): Promise<PointResult> {
  const { lesson, options, io, driver, point, profiler } = input;
  throwIfAborted(io.signal);
  const server = await startServer({
    lessonId: lesson.id,
    variant: point.variant,
    label: point.label,
    runDir: input.runDir,
    profiler,
    clinic: point.label === 'ceiling' ? null : options.clinic,
    verbose: options.verbose,
  });
  io.diagnostics(`server ${point.label} pid=${server.pid} port=${server.port}`);
  const url = `http://127.0.0.1:${server.port}${input.pathWithQuery}`;
  let load: LoadResult;
  let before: LabMetricsSnapshot;
  let after: LabMetricsSnapshot;
  let drained = true;
  let outcome: StopOutcome;
  try {
    if (options.warmup > 0) {
      await runWithProgress(io, driver, point.label, 'warm-up', { url, connections: input.warmupConnections, durationSec: options.warmup, timeoutSec: input.timeoutSec });
      drained = await waitForDrain(server.port, 2 * input.timeoutSec * 1000);
    }
    throwIfAborted(io.signal);
    await resetMetrics(server.port);
    before = await fetchMetrics(server.port);
    load = await runWithProgress(io, driver, point.label, 'measure', { url, connections: point.connections, durationSec: input.duration, timeoutSec: input.timeoutSec });
    after = await fetchMetrics(server.port);
    throwIfAborted(io.signal);
  } finally {
    outcome = await server.stop();
  }
  const costs = perRequestCosts(before, after);
  let topFrames: TopFrame[] = [];
  if (outcome.flamegraphHtml) topFrames = await flamegraphHtmlToTopFrames(outcome.flamegraphHtml).catch(() => []);
  else if (outcome.cpuProfile) topFrames = await cpuprofileToTopFrames(outcome.cpuProfile);
  const reports: Record<string, string> = {};
  if (outcome.clinicReport && options.clinic) reports[`clinic-${options.clinic}`] = relativeToRoot(outcome.clinicReport);
  return {
    graphHtml: outcome.flamegraphHtml,
    record: {
      name: point.label,
      variant: point.variant,
      path: input.pathWithQuery,
      connections: point.connections,
      rps: round(load.rps, 2),
      requests: load.requests,
      errors: load.errors,
      timeouts: load.timeouts,
      non2xx: load.non2xx,
      bytesPerSec: Math.round(load.bytesPerSec),
      latencyMs: load.latencyMs,
      cpuMsPerRequest: roundOrNull(costs.cpuMsPerRequest, 4),
      gcMsPerRequest: roundOrNull(costs.gcMsPerRequest, 4),
      lockWait: after.lock ? { acquisitions: after.lock.acquisitions, p99Ms: round(after.lock.p99Ms, 2), maxQueue: after.lock.maxQueue } : null,
      generatorCpuPct: round(load.generatorCpuPct, 1),
      profiler: outcome.cpuProfile ? 'cpu-prof' : outcome.flamegraphHtml ? '0x' : profiler,
      flamegraph: null,
      topFrames,
      reports,
      drained,
    },
  };
}

async function runWithProgress(
  io: RunIo,
  driver: LoadDriver,
  label: string,
  phase: 'warm-up' | 'measure',
  load: { url: string; connections: number; durationSec: number; timeoutSec: number },
): Promise<LoadResult> {
  const bar = io.terminal.progress(label, load.durationSec, phase);
  const result = await driver.run({ ...load, signal: io.signal, onProgress: (p) => bar.update(p.elapsedSec, p.currentRps) });
  const summary = `${phase} ${load.durationSec} s · ${load.connections} conns · ${result.rps >= 100 ? Math.round(result.rps).toLocaleString('en-US') : result.rps.toFixed(1)} req/s`;
  bar.done(phase === 'warm-up' ? io.terminal.paint('dim', summary) : summary);
  return result;
}

async function checkAnswers(lesson: Lesson, options: RunOptions, t: Terminal): Promise<void> {
  if (!lesson.equivalentAnswers) {
    t.line(t.paint('dim', '· calibration lesson: its variants are different endpoints, so no answers to compare'));
    return;
  }
  const answers = await fetchAnswers(lesson, options.params);
  const mismatch = findMismatch(answers);
  if (mismatch) {
    const { baseline, other } = mismatch;
    throw new HotpathError('E_MISMATCH', `variants disagree: ${baseline.variant} answered ${baseline.status} ${baseline.body}, ${other.variant} answered ${other.status} ${other.body}`);
  }
  const first = answers[0]!;
  if (first.status !== 200) throw new HotpathError('E_SERVER', `${first.variant} answered ${first.status} ${first.body}`);
  t.line(`${t.paint('green', '✓')} all ${answers.length} variants answer ${first.body}`);
}

interface BuildRecordInput {
  lesson: Lesson;
  options: RunOptions;
  runId: string;
  startedAt: string;
  order: string[];
  points: PointResult[];
  ceiling: { rps: number; connections: number; result: LoadResult } | null;
  notes: string[];
  aborted: boolean;
}

function buildRecord(input: BuildRecordInput): RunRecord {
  const { lesson, options } = input;
  const variants = input.points.map((p) => p.record);
  const measured: MeasuredPoint[] = variants.map((v) => ({
    label: v.name,
    variant: v.variant,
    connections: v.connections,
    rps: v.rps,
    latencyMs: v.latencyMs,
    cpuMsPerRequest: v.cpuMsPerRequest,
    gcMsPerRequest: v.gcMsPerRequest,
    lockWait: v.lockWait,
  }));
  const verdict = input.aborted
    ? { expected: {}, agreesWithTheory: false, notes: [] }
    : lesson.verdict({ params: options.params, connections: options.connections, ceilingRps: input.ceiling?.rps ?? null, points: measured });
  const validity = judgeValidity(variants, input.ceiling?.result ?? null);
  const baseline = variants[0];
  // Calibration lessons have no slow/fast pair, so no speedup.
  const speedup = lesson.equivalentAnswers && baseline && baseline.rps > 0 && variants.length > 1
    ? round(Math.max(...variants.slice(1).map((v) => v.rps)) / baseline.rps, 2)
    : null;
  return {
    schemaVersion: SCHEMA_VERSION,
    status: input.aborted ? 'aborted' : 'complete',
    lesson: { id: lesson.id, slug: lesson.slug, title: lesson.title },
    runId: input.runId,
    startedAt: input.startedAt,
    finishedAt: new Date().toISOString(),
    driver: options.driver,
    machine: { cpus: os.availableParallelism(), node: process.version, platform: `${os.platform()} ${os.arch()}` },
    options: { duration: options.duration, warmup: options.warmup, connections: options.connections, quick: options.quick, driver: options.driver, flamegraph: options.flamegraph, clinic: options.clinic },
    params: options.params,
    order: input.order,
    ceiling: input.ceiling ? { rps: input.ceiling.rps, connections: input.ceiling.connections } : null,
    variants,
    comparison: {
      speedup,
      expected: verdict.expected,
      agreesWithTheory: verdict.agreesWithTheory && validity.valid && !input.aborted,
      valid: validity.valid && !input.aborted,
      notes: [...verdict.notes, ...validity.notes, ...input.notes],
    },
    compareFlamegraphs: null,
  };
}

/** A run is invalid when anything failed or the generator may have been the bottleneck. */
export function judgeValidity(variants: readonly VariantRecord[], ceiling: LoadResult | null): { valid: boolean; notes: string[] } {
  const notes: string[] = [];
  const check = (name: string, v: { errors: number; timeouts: number; non2xx: number; generatorCpuPct: number }): void => {
    if (v.timeouts > 0) notes.push(`invalid: ${name} had ${v.timeouts} timeouts`);
    if (v.errors > v.timeouts) notes.push(`invalid: ${name} had ${v.errors - v.timeouts} connection errors`);
    if (v.non2xx > 0) notes.push(`invalid: ${name} got ${v.non2xx} non-2xx responses`);
    if (v.generatorCpuPct > GENERATOR_CPU_LIMIT_PCT) {
      notes.push(`invalid: the load generator used ${Math.round(v.generatorCpuPct)}% of a core during ${name}: it, not the server, may have set the number (use fewer connections)`);
    }
  };
  for (const variant of variants) {
    check(variant.name, variant);
    if (!variant.drained) notes.push(`${variant.name}: requests from the warm-up were still running when measuring began`);
  }
  if (ceiling) check('the ceiling', ceiling);
  const busiest = Math.max(0, ...variants.map((v) => v.generatorCpuPct), ceiling?.generatorCpuPct ?? 0);
  if (busiest <= GENERATOR_CPU_LIMIT_PCT) notes.push(`load generator: at most ${Math.round(busiest)}% of one core (limit ${GENERATOR_CPU_LIMIT_PCT}%), so it had headroom`);
  return { valid: !notes.some((note) => note.startsWith('invalid')), notes };
}

function resultToLoad(record: VariantRecord): LoadResult {
  return { driver: 'autocannon', requests: record.requests, ok: 0, non2xx: record.non2xx, errors: record.errors, timeouts: record.timeouts, durationSec: 0, rps: record.rps, bytesPerSec: record.bytesPerSec, latencyMs: record.latencyMs, generatorCpuPct: record.generatorCpuPct };
}

function printHeader(t: Terminal, lesson: Lesson, options: RunOptions, headline: string): void {
  t.line(`${t.paint('bold', `hotpath · lesson ${lesson.id} · ${lesson.title}`)}    ${t.paint('dim', `story ${lesson.story.id}: ${lesson.story.figures}`)}`);
  t.line(`${t.paint('bold', 'theory:')} ${headline}`);
  for (const item of lesson.watch) t.line(t.paint('dim', `  watch: ${item}`));
  const params = Object.entries(options.params).map(([k, v]) => `${k}=${v}`).join(' ');
  t.line(t.paint('dim', `  run: ${params || 'no params'} · ${options.connections} connections · warm-up ${options.warmup} s · ${options.duration} s measured per point · driver ${options.driver}${options.quick ? ' · quick' : ''}`));
}

function printResults(t: Terminal, record: RunRecord, recordFile: string, gallery: string | null): void {
  t.line();
  for (const line of renderTable(record)) t.line(line);
  t.line();
  const { comparison } = record;
  const mark = comparison.agreesWithTheory ? t.paint('green', '✓ agrees with theory') : t.paint('red', comparison.valid ? '✗ disagrees with theory' : '✗ invalid run');
  t.line(`${t.paint('bold', 'verdict')} ${mark}${comparison.speedup !== null ? ` · speedup ${comparison.speedup}x` : ''}`);
  for (const note of comparison.notes) t.line(`  ${note}`);
  const frames = renderTopFrames(record);
  if (frames.length > 0) {
    t.line();
    for (const line of frames) t.line(line);
  }
  t.line();
  t.line(`${t.paint('bold', 'record')}  ${relativeToRoot(recordFile)}`);
  for (const variant of record.variants) {
    for (const [name, file] of Object.entries(variant.reports)) t.line(`${t.paint('bold', name)}  ${variant.name}: ${file}`);
  }
  if (gallery) {
    t.line(`${t.paint('bold', 'graphs')}  ${relativeToRoot(gallery)}${record.compareFlamegraphs ? `  ·  side by side: ${record.compareFlamegraphs}` : ''}`);
    t.line(t.paint('dim', '        open in a browser (file://…), e.g. `xdg-open flamegraphs/index.html` or `open` on macOS'));
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new HotpathError('E_INTERRUPTED', 'interrupted');
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function roundOrNull(value: number | null, decimals: number): number | null {
  return value === null ? null : round(value, decimals);
}
