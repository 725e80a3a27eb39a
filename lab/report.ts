// What a run prints: the header, the comparison table, the verdict, the top frames, the paths.
import { cell, formatBytes } from '../core/format.js';
import type { Lesson } from '../core/lesson.js';
import { type RunOptions } from '../core/run-options.js';
import { describeDriver } from './options.js';
import type { RunRecord } from './run-record.js';
import { type Terminal } from './terminal.js';

export interface Column {
  title: string;
  width: number;
  value: (variant: VariantRow) => string;
  /** What the column is, for the legend under the table. */
  legend: string;
}

type VariantRow = RunRecord['variants'][number];

const NAME: Column = { title: 'variant', width: 24, value: (v) => v.name, legend: '' };
const CONNS: Column = { title: 'conns', width: 6, value: (v) => String(v.connections), legend: 'connections kept open by the load generator' };
const RPS: Column = { title: 'req/s', width: 9, value: (v) => cell(v.rps), legend: 'completed answers per measured second, the median of the rounds' };
const SPREAD: Column = { title: '±', width: 5, value: (v) => halfSpread(v.spread, v.rps, v.rounds.length), legend: 'half the spread of the rounds\' req/s, as % of the median' };
const P50: Column = { title: 'p50 ms', width: 8, value: (v) => cell(v.latencyMs.p50, 0), legend: 'median latency' };
const P99: Column = { title: 'p99 ms', width: 8, value: (v) => cell(v.latencyMs.p99, 0), legend: '99th-percentile latency' };
const ERRORS: Column = { title: 'errors', width: 7, value: (v) => String(v.errors + v.non2xx), legend: 'failed requests and non-2xx answers' };
const LOCK_WAIT: Column = { title: 'lock wait p99', width: 14, value: (v) => (v.lockWait ? `${cell(v.lockWait.p99Ms, 1)} ms` : '–'), legend: 'how long a request waited for the lock (99th percentile)' };
const MAX_QUEUE: Column = { title: 'max queue', width: 10, value: (v) => (v.lockWait ? String(v.lockWait.maxQueue) : '–'), legend: 'the most requests waiting for the lock at once' };
const CPU: Column = { title: 'cpu ms/req', width: 11, value: (v) => cell(v.cpuMsPerRequest, 3), legend: 'the server\'s CPU time per request' };
const GC: Column = { title: 'gc ms/req', width: 10, value: (v) => cell(v.gcMsPerRequest, 3), legend: 'garbage-collection pauses per request' };
const ALLOC: Column = { title: 'alloc KB/req', width: 13, value: (v) => cell(v.allocBytesPerRequest === null ? null : v.allocBytesPerRequest / 1024, 1), legend: 'JS heap allocated per request (V8\'s GC accounting)' };
const RSS: Column = { title: 'rss MiB', width: 8, value: (v) => cell(v.memory?.rssMb ?? null, 0), legend: 'the server\'s peak resident memory' };

/** Every lesson's columns: who served, how fast, how well; then what the lesson teaches. */
const COMMON: readonly Column[] = [NAME, CONNS, RPS, SPREAD, P50, P99, ERRORS];

/** Site lessons: bytes, memory and the lesson's work counters. */
function siteColumns(counters: NonNullable<Lesson['site']>['counters']): Column[] {
  return [
    NAME, CONNS, RPS, SPREAD,
    { title: 'MB/s', width: 7, value: (v) => cell(v.bytesPerSec / 1e6, 1), legend: 'response bytes per second (autocannon counts headers too; wrk and Locust the bodies)' },
    P50, P99, ERRORS, CPU, GC, ALLOC, RSS,
    { title: 'buffers MiB', width: 12, value: (v) => cell(v.memory?.arrayBuffersMb ?? null, 1), legend: 'peak memory in Buffers, outside the JS heap (where whole files land)' },
    ...counters.map((counter): Column => ({
      title: counter.title,
      width: Math.max(counter.title.length, 8),
      value: (v: VariantRow) => {
        const value = v.workPerRequest[counter.name];
        return value === undefined ? '–' : cell(value * (counter.scale ?? 1), counter.decimals);
      },
      legend: `${counter.name} per request, counted by the server`,
    })),
  ];
}

/**
 * Lessons with a cluster: how many processes served, how much CPU they used (% of one core: a
 * cluster passes 100), how late their event loops ran, and their memory.
 */
function clusterColumns(): Column[] {
  return [
    ...COMMON,
    { title: 'procs', width: 6, value: (v) => String(v.processes ?? 1), legend: 'processes that served' },
    { title: 'cpu %', width: 6, value: (v) => cell(v.serverCpuPct, 0), legend: 'the server\'s CPU, % of one core (all its processes)' },
    { title: 'loop p99 ms', width: 12, value: (v) => cell(v.eventLoopDelayMs?.p99 ?? null, 1), legend: 'how late the event loop ran a timer (99th percentile, worst worker)' },
    CPU, GC, ALLOC, RSS,
  ];
}

/** The columns a lesson teaches by: its locks, its allocation, or what every lesson shows. */
export function columnsFor(lesson: Pick<Lesson, 'site' | 'variants' | 'teaches'> | undefined): Column[] {
  if (lesson?.site) return siteColumns(lesson.site.counters);
  if (lesson?.variants.some((v) => v.cluster)) return clusterColumns();
  if (lesson?.teaches === 'locks') return [...COMMON, LOCK_WAIT, MAX_QUEUE, CPU];
  if (lesson?.teaches === 'allocation') return [...COMMON, CPU, GC, ALLOC];
  return [...COMMON, CPU];
}

/** The legend under the table: a line for each column shown, its title and what it is. */
export function renderLegend(columns: readonly Column[]): string[] {
  const explained = columns.filter((column) => column.legend);
  const width = Math.max(...explained.map((column) => column.title.length));
  return explained.map((column) => `  ${column.title.padEnd(width)}  ${column.legend}`);
}

/** The table's header and rows as cells, formatted as the terminal prints them (the compare page uses them). */
export function tableCells(record: RunRecord, lesson?: Pick<Lesson, 'site' | 'variants' | 'teaches'>): { header: string[]; rows: string[][] } {
  const columns = columnsFor(lesson);
  return { header: columns.map((c) => c.title), rows: record.variants.map((variant) => columns.map((c) => c.value(variant))) };
}

export function renderTable(record: RunRecord, lesson?: Pick<Lesson, 'site' | 'variants' | 'teaches'>): string[] {
  const columns = columnsFor(lesson);
  const pad = (text: string, column: Column, index: number): string => (index === 0 ? text.padEnd(column.width) : text.padStart(column.width));
  const lines = [columns.map((column, i) => pad(column.title, column, i)).join(' ')];
  for (const variant of record.variants) {
    lines.push(columns.map((column, i) => pad(column.value(variant), column, i)).join(' '));
  }
  if (record.ceiling) {
    const { ceiling } = record;
    const label = ceiling.point === 'ceiling' ? '(ceiling: trivial route)' : `(ceiling: ${ceiling.point})`;
    const setBy = ceiling.setBy === 'generator' ? `set by the load generator (${Math.round(ceiling.generatorCpuPct)}% of a core): a lower bound` : `set by the server (${Math.round(ceiling.serverCpuPct)}% of a core)`;
    lines.push(`${label.padEnd(24)} ${String(ceiling.connections).padStart(6)} ${cell(ceiling.rps).padStart(9)} ${halfSpread(ceiling.spread, ceiling.rps, ceiling.roundRps.length).padStart(5)}  ${setBy}`);
  }
  return lines;
}

/** Half the spread of a point's rounds, as ± % of its median (`–` with one round). */
function halfSpread(spread: { rpsMin: number; rpsMax: number }, rps: number, rounds: number): string {
  if (rounds <= 1 || rps <= 0) return '–';
  return `${Math.round(((spread.rpsMax - spread.rpsMin) / 2 / rps) * 100)}%`;
}

export function renderTopFrames(record: RunRecord): string[] {
  const lines: string[] = [];
  for (const variant of record.variants) {
    if (variant.topFrames.length === 0) continue;
    const from = variant.topFramesFrom === 'windows' ? "V8's sampler over the measured windows" : (variant.topFramesFrom ?? variant.profiler ?? 'no profiler');
    lines.push(`top self-time frames · ${variant.name} (${from})`);
    for (const frame of variant.topFrames) lines.push(`  ${frame.selfPct.toFixed(1).padStart(5)}%  ${frame.name}`);
  }
  for (const variant of record.variants) {
    if (!variant.allocFrames || variant.allocFrames.length === 0) continue;
    const counted = variant.allocPass?.allocBytesPerRequest;
    const pass = counted === null || counted === undefined ? 'allocation pass' : `allocation pass, ${cell(counted / 1024, 1)} KB/req counted by GC`;
    lines.push(`top allocating frames · ${variant.name} (sampled bytes, ${pass})`);
    for (const frame of variant.allocFrames) lines.push(`  ${frame.pct.toFixed(1).padStart(5)}%  ${formatBytes(frame.bytes).padStart(8)}  ${frame.name}`);
  }
  return lines;
}

/** Which of the table's figures ran beside a profiler, in one line (null: none did). */
export function profiledFiguresNote(record: Pick<RunRecord, 'options' | 'variants'>): string | null {
  const profile = record.options.profile ?? (record.options.flamegraph ? 'cpu' : 'none');
  const parts: string[] = [];
  if (profile === 'cpu' || profile === 'both') parts.push('req/s, latency and cpu ms/req were measured with the CPU profilers on (0x, and V8\'s sampler over each window)');
  if (profile === 'alloc' || profile === 'both') parts.push('allocation was profiled in a pass of its own after the rounds, not in these figures');
  return parts.length > 0 ? `${parts.join('; ')}.` : null;
}

/**
 * The verdict in words, as the terminal, the compare page and the gallery say it: an exercise
 * check's passes or not yet, a lesson run's agrees with theory or not.
 */
export function verdictWords(record: Pick<RunRecord, 'comparison'> & { exercise?: unknown }): string {
  const c = record.comparison;
  if (!c.valid) return '✗ invalid run';
  // Records from before the three outcomes have no `verdict`.
  const verdict = c.verdict ?? (c.agreesWithTheory ? 'agrees' : 'disagrees');
  if (verdict === 'inconclusive') return '? inconclusive';
  if (record.exercise) return verdict === 'agrees' ? '✓ exercise passed' : '✗ exercise not fast enough yet';
  return verdict === 'agrees' ? '✓ agrees with theory' : '✗ disagrees with theory';
}

/**
 * Locust keeps each response time rounded before it counts it (locust/stats.py), so its
 * percentiles come rounded too; the lab's own figures (lock waits, CPU) are not.
 */
export const LOCUST_ROUNDING = 'latency under Locust is rounded by Locust as it records each response: to 1 ms under 100 ms, 10 ms under 1 s, 100 ms under 10 s (a p99 of 3,900 ms means 3,850–3,950 ms)';

/** ` · speedup 96.5x`, or the lesson's own headline (lesson 5: warm and cold), or nothing. */
export function headlineOf(comparison: Pick<RunRecord['comparison'], 'speedup' | 'headline'>): string {
  if (comparison.headline) return ` · ${comparison.headline}`;
  return comparison.speedup !== null ? ` · speedup ${comparison.speedup}x` : '';
}

export function printHeader(t: Terminal, lesson: Lesson, options: RunOptions, headline: string): void {
  t.line(`${t.paint('bold', `hotpath · lesson ${lesson.id} · ${lesson.title}`)}    ${t.paint('dim', `story ${lesson.story.id}: ${lesson.story.figures}`)}`);
  t.line(`${t.paint('bold', 'theory:')} ${headline}`);
  for (const item of lesson.watch) t.line(t.paint('dim', `  watch: ${item}`));
  const params = Object.entries(options.params).map(([k, v]) => `${k}=${v}`).join(' ');
  t.line(t.paint('dim', `  run: ${params || 'no params'} · ${options.connections} connections · warm-up ${options.warmup} s · ${options.duration} s measured per point in ${options.rounds} round${options.rounds === 1 ? '' : 's'} · driver ${describeDriver(options)}${options.quick ? ' · quick' : ''}`));
  const { driverChoice } = options;
  if (driverChoice.why !== null) t.line(t.paint(driverChoice.by === 'fallback' ? 'yellow' : 'dim', `  driver: ${driverChoice.why}`));
}

export function printResults(t: Terminal, lesson: Lesson, record: RunRecord, recordFile: string, gallery: string | null): void {
  t.line();
  for (const line of renderTable(record, lesson)) t.line(line);
  for (const line of renderLegend(columnsFor(lesson))) t.line(t.paint('dim', line));
  if (record.driver === 'locust') t.line(t.paint('dim', LOCUST_ROUNDING));
  t.line();
  const { comparison } = record;
  const words = verdictWords(record);
  const mark = !comparison.valid ? t.paint('red', words)
    : comparison.verdict === 'agrees' ? t.paint('green', words)
      : comparison.verdict === 'inconclusive' ? t.paint('yellow', `${words}: the noise is as large as the question (exit 4)`)
        : t.paint('red', words);
  const profiled = profiledFiguresNote(record);
  if (profiled) t.line(t.paint('dim', `profiles: ${profiled}`));
  t.line(`${t.paint('bold', 'verdict')} ${mark}${headlineOf(comparison)}`);
  for (const note of comparison.notes) t.line(`  ${note}`);
  const frames = renderTopFrames(record);
  if (frames.length > 0) {
    t.line();
    for (const line of frames) t.line(line);
  }
  t.line();
  t.path('record', recordFile);
  for (const variant of record.variants) {
    for (const [name, file] of Object.entries(variant.reports)) t.path(name, file, `  (${variant.name})`);
  }
  if (record.compareFlamegraphs) t.path('compare', record.compareFlamegraphs, '  (open it in a browser; --open does)');
  if (gallery) t.path('gallery', gallery, '  (every run with pictures)');
}

