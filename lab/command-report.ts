// What a whole-process lesson's run prints: its header, a line per round, the steps' table (time
// ± spread, speedups, memory, the story's figures beside), the counters, the verdict, the traces.
import type { CommandLesson, CommandRunOptions } from '../core/command-lesson.js';
import { cell } from '../core/format.js';
import type { CommandRunRecord, StepRecord } from './command-record.js';
import { verdictWords } from './report.js';
import type { Terminal } from './terminal.js';

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** `#1 sqlite-cache`; the baseline is just `baseline`. */
const stepName = (step: Pick<StepRecord, 'label' | 'name'>): string => (step.label === step.name ? step.name : `${step.label} ${step.name}`);

export function printCommandHeader(t: Terminal, lesson: CommandLesson, options: CommandRunOptions): void {
  t.line(`${t.paint('bold', `hotpath · lesson ${lesson.id} · ${lesson.title}`)}    ${t.paint('dim', `story ${lesson.story.id}: ${lesson.story.figures}`)}`);
  t.line(`${t.paint('bold', 'theory:')} ${lesson.headline(options.params)}`);
  for (const item of lesson.watch) t.line(t.paint('dim', `  watch: ${item}`));
  const params = Object.entries(options.params).map(([k, v]) => `${k}=${v}`).join(' ');
  t.line(t.paint('dim', `  run: ${params} · the whole command timed start to finish, as hyperfine does · ${lesson.steps.length} steps × (${options.warmup} warm-up + ${options.rounds} measured runs), interleaved${options.quick ? ' · quick' : ''}${options.hyperfine ? ' · then hyperfine' : ''}`));
}

/** `- round 3/10   baseline 1.62 s · sqlite-cache 1.10 s · …` */
export function roundLine(t: Terminal, what: string, names: readonly string[], times: readonly number[]): string {
  return `${t.paint('green', '✓')} ${what.padEnd(28)} ${names.map((name, i) => `${name} ${(times[i]! / 1000).toFixed(2)} s`).join(' · ')}`;
}

export function renderStepsTable(record: CommandRunRecord): string[] {
  const header = ['step'.padEnd(20), 'time (s)'.padStart(16), 'min–max (s)'.padStart(14), 'vs base'.padStart(8), 'vs prev'.padStart(8), 'peak MiB'.padStart(9), 'cold (s)'.padStart(9), '  story (s)'.padEnd(17), 'story vs base'];
  const lines = [header.join(' ')];
  const storyBase = record.variants[0]?.story.mean ?? 1;
  record.variants.forEach((step, i) => {
    const previous = record.variants[i - 1];
    lines.push([
      stepName(step).padEnd(20),
      `${seconds(step.wallMs.mean)} ± ${seconds(step.wallMs.stdev)}`.padStart(16),
      `${seconds(step.wallMs.min)}–${seconds(step.wallMs.max)}`.padStart(14),
      (i === 0 ? '–' : `${step.speedup.toFixed(1)}x`).padStart(8),
      (previous ? `${(previous.wallMs.median / step.wallMs.median).toFixed(2)}x` : '–').padStart(8),
      cell(step.peakRssMiB, 0).padStart(9),
      (step.coldMs === null ? '–' : seconds(step.coldMs)).padStart(9),
      `  ${step.story.mean.toFixed(3)} ± ${step.story.stdev.toFixed(3)}`.padEnd(17),
      i === 0 ? '–' : `${(storyBase / step.story.mean).toFixed(1)}x`,
    ].join(' '));
  });
  return lines;
}

export function renderCountersTable(record: CommandRunRecord, columns: CommandLesson['counters']): string[] {
  const value = (step: StepRecord, column: CommandLesson['counters'][number]): string => {
    const n = step.counters[column.name];
    if (n === undefined) return '–';
    return column.unit === 'bytes' ? `${(n / 2 ** 20).toFixed(1)} MiB` : n.toLocaleString('en-US');
  };
  const widths = columns.map((c) => Math.max(c.title.length, ...record.variants.map((s) => value(s, c).length)));
  const lines = [['per warm run'.padEnd(20), ...columns.map((c, i) => c.title.padStart(widths[i]!))].join('  ')];
  for (const step of record.variants) lines.push([stepName(step).padEnd(20), ...columns.map((c, i) => value(step, c).padStart(widths[i]!))].join('  '));
  return lines;
}

export function printCommandResults(t: Terminal, lesson: CommandLesson, record: CommandRunRecord, recordFile: string, gallery: string | null): void {
  t.line();
  for (const line of renderStepsTable(record)) t.line(line);
  t.line(t.paint('dim', `time: mean ± standard deviation of ${record.options.rounds} measured runs; vs base and vs prev compare medians; cold: the first run, on an empty cache (not measured)`));
  t.line();
  for (const line of renderCountersTable(record, lesson.counters)) t.line(line);
  const withHyperfine = record.variants.filter((step) => step.hyperfine);
  if (withHyperfine.length > 0) {
    t.line();
    t.line(`hyperfine (each step's runs back to back, not interleaved):`);
    for (const step of withHyperfine) {
      const h = step.hyperfine!;
      t.line(`  ${stepName(step).padEnd(20)} ${seconds(h.mean)} ± ${seconds(h.stdev)} s (median ${seconds(h.median)}, ${h.runs} runs)   ours: ${seconds(step.wallMs.mean)} ± ${seconds(step.wallMs.stdev)} s`);
    }
  }
  t.line();
  const { comparison } = record;
  const words = verdictWords(record);
  const mark = !comparison.valid ? t.paint('red', words)
    : comparison.verdict === 'agrees' ? t.paint('green', words)
      : comparison.verdict === 'inconclusive' ? t.paint('yellow', `${words}: a step's saving is as small as the noise (exit 4)`)
        : t.paint('red', words);
  t.line(`${t.paint('bold', 'verdict')} ${mark}${comparison.speedup !== null ? ` · speedup ${comparison.speedup}x` : ''}`);
  for (const note of comparison.notes) t.line(`  ${note}`);
  t.line();
  t.path('record', recordFile);
  const traces = record.variants.map((step) => step.trace).filter((file): file is string => file !== null);
  if (traces.length > 0) {
    t.path('traces', traces[0]!.replace(/[^/]+$/, ''), `  (${traces.length} steps, and each one's cold run: Perfetto's "Open trace file" or chrome://tracing)`);
  }
  if (record.compareFlamegraphs) t.path('timelines', record.compareFlamegraphs, '  (every step\'s trace on one time scale: open it in a browser; --open does)');
  if (gallery) t.path('gallery', gallery, '  (every run with pictures)');
}
