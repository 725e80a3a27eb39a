// runCommandLesson(): one run of a whole-process lesson (lesson 9). Makes the inputs once, starts
// the lesson's upstream, gives each step a work folder of its own, then times the command like
// hyperfine: warm-up runs (the first on an empty cache), then measured runs interleaved across
// the steps. Every run's output must be the same; the verdict reads the rounds side by side.
import { mkdtemp, mkdir, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { overallOutcome } from '../core/checks.js';
import type { CommandLesson, CommandRunOptions, StepFigures } from '../core/command-lesson.js';
import { HotpathError } from '../core/errors.js';
import { CODEGEN_WORK_PREFIX, codegenInputsDir, newRunId, relativeToRoot, resultsDir } from '../core/paths.js';
import { isAlive } from '../core/proc-stat.js';
import { runTimed, type TimedRun } from './command-process.js';
import type { CommandRunRecord, StepRecord } from './command-record.js';
import { printCommandHeader, printCommandResults, roundLine } from './command-report.js';
import { crossCheckWithHyperfine, findHyperfine } from './hyperfine.js';
import type { RunIo } from './measure-point.js';
import { runGalleryDir, writeGalleryIndex } from './gallery.js';
import { outputDigest } from './output-digest.js';
import { timelinePage } from './timeline-page.js';
import { wallStats } from './wall-stats.js';
import { SCHEMA_VERSION, writeFileAtomic } from './run-record.js';
import { startServer, stopAllServers, type ServerHandle } from './server-process.js';
import { createRunFolder, sweepLeftovers, unmarkRunFolder } from './sweep.js';

export interface CommandRunOutcome {
  record: CommandRunRecord;
  recordFile: string;
}

/** What the runner keeps of a step while it runs. */
interface StepState {
  name: string;
  workDir: string;
  coldMs: number | null;
  runs: TimedRun[];
  digest: string | null;
  /** Each file's checksum after its latest run. */
  lastByFile?: Record<string, string>;
}

/** What an exercise check adds to a run (lab/command-exercise.ts). */
export interface CommandRunExtras {
  exercise?: CommandRunRecord['exercise'];
  /** Environment of every run of the command (the compiled exercise's path). */
  env?: Readonly<Record<string, string>>;
}

/** Steps whose crates differ, or one step's crate changing between its runs (`step` is the one at fault). */
export class OutputMismatch extends HotpathError {
  constructor(readonly step: string, message: string) {
    super('E_MISMATCH', message);
  }
}

export async function runCommandLesson(lesson: CommandLesson, options: CommandRunOptions, io: RunIo, extras: CommandRunExtras = {}): Promise<CommandRunOutcome> {
  const t = io.terminal;
  const hyperfine = options.hyperfine ? findHyperfine() : null; // missing: exit 2 before anything is written
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  const runDir = path.join(resultsDir(lesson.id), runId);
  await sweepLeftovers();
  await sweepWorkFolders();
  await mkdir(path.dirname(runDir), { recursive: true });
  await createRunFolder(runDir);
  const recordFile = path.join(runDir, 'result.json');
  const traceDir = path.join(runDir, 'traces');
  await mkdir(traceDir);
  const logFile = path.join(runDir, 'command.log');
  printCommandHeader(t, lesson, options);

  const inputsDir = codegenInputsDir();
  t.line(t.paint('dim', `· inputs: checking ${relativeToRoot(inputsDir)} (made once, never timed)…`));
  t.line(t.paint('dim', `· inputs: ${await lesson.ensureInputs(inputsDir)}`));
  const workRoot = await mkdtemp(path.join(os.tmpdir(), `${CODEGEN_WORK_PREFIX}${process.pid}-`));
  const steps: StepState[] = lesson.steps.map((step) => ({ name: step.name, workDir: path.join(workRoot, step.name), coldMs: null, runs: [], digest: null }));
  const notes: string[] = [];
  let upstream: ServerHandle | null = null;
  let record: CommandRunRecord;
  try {
    upstream = await startServer({ args: [lesson.upstream.main, ...lesson.upstream.args(options.params, inputsDir), '--port', '0'], label: 'registry', runDir, profiler: null, clinic: null, verbose: options.verbose });
    io.diagnostics(`server registry pid=${upstream.pid} port=${upstream.port}`);
    const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
    t.line(t.paint('dim', `· registry: ${upstreamUrl} (${Object.entries(options.params).map(([k, v]) => `${k}=${v}`).join(', ')})`));
    for (const step of steps) await mkdir(step.workDir);

    const once = async (step: StepState, traceFile: string): Promise<TimedRun> => {
      const args = [lesson.command.main, ...lesson.command.args({ step: step.name, inputsDir, workDir: step.workDir, upstreamUrl, traceFile })];
      const run = await runTimed(args, step.name, logFile, io.signal, extras.env);
      const { digest, byFile } = await outputDigest(step.workDir, lesson.output.dirs, lesson.output.ignore);
      if (step.digest === null) step.digest = digest;
      else if (digest !== step.digest) throw new OutputMismatch(step.name, `${step.name} generated something else on a later run than on its first (${firstDifference(byFile, step)}): its output depends on its cache`);
      step.lastByFile = byFile;
      return run;
    };

    // Warm-up: the first run of every step starts from an empty work folder, as a first
    // `cargo px check` does; then the outputs are compared before anything is measured.
    for (let w = 1; w <= options.warmup; w += 1) {
      const times: number[] = [];
      for (const step of steps) {
        const run = await once(step, path.join(traceDir, w === 1 ? `${step.name}.cold.trace.json` : `${step.name}.trace.json`));
        if (w === 1) step.coldMs = run.wallMs;
        times.push(run.wallMs);
      }
      t.line(roundLine(t, `warm-up ${w}/${options.warmup}${w === 1 ? ' (cold: empty caches)' : ''}`, steps.map((s) => s.name), times));
      if (w === 1) checkSameOutput(t, steps);
    }
    if (options.warmup === 0) notes.push('no warm-up run (--warmup 0): the first measured run of each step started from an empty cache');

    // Measured rounds: every step once per round, starting one step later each round, so no
    // step always runs right after the same neighbour (its cache and the disk's, warm or not).
    for (let r = 1; r <= options.rounds; r += 1) {
      const times = new Map<string, number>();
      for (let k = 0; k < steps.length; k += 1) {
        const step = steps[(r - 1 + k) % steps.length]!;
        const run = await once(step, path.join(traceDir, `${step.name}.trace.json`));
        if (options.warmup === 0 && r === 1) step.coldMs = run.wallMs;
        step.runs.push(run);
        times.set(step.name, run.wallMs);
      }
      t.line(roundLine(t, `round ${r}/${options.rounds}`, steps.map((s) => s.name), steps.map((s) => times.get(s.name)!)));
    }
    if (options.warmup === 0) checkSameOutput(t, steps);

    const figures = steps.map((step) => stepFigures(step, notes));
    const verdict = lesson.verdict({ params: options.params, steps: figures });
    const baseline = figures[0]!.wallMs.median;
    const hyperfineFigures = hyperfine ? await crossCheckWithHyperfine(hyperfine, lesson, steps.map((s) => s.name), { inputsDir, upstreamUrl, workRoot, runDir, traceDir, options, io }) : null;
    if (hyperfineFigures) notes.push(hyperfineNote(figures, hyperfineFigures));
    const outcome = overallOutcome(verdict.checks);
    record = {
      ...envelope(lesson, options, runId, startedAt, 'complete', extras),
      variants: figures.map((step, i) => stepRecord(lesson, step, steps[i]!, baseline, traceDir, hyperfineFigures?.get(step.name) ?? null)),
      comparison: {
        speedup: round2(baseline / figures.at(-1)!.wallMs.median),
        expected: verdict.expected,
        verdict: outcome,
        agreesWithTheory: outcome === 'agrees',
        valid: true,
        notes: [...verdict.notes, ...notes],
      },
    };
  } catch (error) {
    await stopAllServers();
    await rm(workRoot, { recursive: true, force: true });
    const aborted = io.signal?.aborted === true;
    const partial: CommandRunRecord = {
      ...envelope(lesson, options, runId, startedAt, aborted ? 'aborted' : 'failed', extras),
      variants: [],
      comparison: { speedup: null, expected: {}, verdict: 'disagrees', agreesWithTheory: false, valid: false, notes: [...notes, aborted ? 'interrupted before the run finished' : `failed: ${(error as Error).message}`] },
    };
    await writeFileAtomic(recordFile, `${JSON.stringify(partial, null, 2)}\n`);
    await unmarkRunFolder(runDir);
    if (aborted) throw new HotpathError('E_INTERRUPTED', `interrupted; partial record in ${relativeToRoot(recordFile)}`);
    throw error;
  }
  await upstream.stop();
  await rm(workRoot, { recursive: true, force: true });
  // The measurement is safe on disk before the pictures are made: a page that fails costs the page.
  await writeFileAtomic(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  const gallery = await publishTimelines(record, recordFile);
  await unmarkRunFolder(runDir);
  printCommandResults(t, lesson, record, recordFile, gallery);
  return { record, recordFile };
}

/** Writes the run's timeline page into the gallery and rewrites the gallery's index; returns the index, or null. */
async function publishTimelines(record: CommandRunRecord, recordFile: string): Promise<string | null> {
  try {
    const dir = runGalleryDir(record.lesson.id, record.runId);
    await mkdir(dir, { recursive: true });
    const page = path.join(dir, 'timelines.html');
    await writeFileAtomic(page, await timelinePage(record, dir));
    record.compareFlamegraphs = relativeToRoot(page);
  } catch (error) {
    record.comparison.notes.push(`the timeline page could not be written (${(error as Error).message}); the traces are in the run folder`);
  }
  let gallery: string | null = null;
  try {
    gallery = await writeGalleryIndex();
  } catch (error) {
    record.comparison.notes.push(`the gallery's index could not be rewritten (${(error as Error).message})`);
  }
  await writeFileAtomic(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  return gallery;
}

/** Every step must have generated the same files, byte for byte, before their times mean anything. */
function checkSameOutput(t: RunIo['terminal'], steps: readonly StepState[]): void {
  const [first, ...rest] = steps as [StepState, ...StepState[]];
  for (const step of rest) {
    if (step.digest !== first.digest) {
      throw new OutputMismatch(step.name, `${step.name} generated a different crate from ${first.name}: ${firstDifference(step.lastByFile!, first)}`);
    }
  }
  const files = Object.keys(first.lastByFile!).length;
  t.line(`${t.paint('green', '✓')} all ${steps.length} steps generate the same ${files} files, byte for byte (sha256 ${first.digest!.slice(0, 12)}…)`);
}

function firstDifference(byFile: Record<string, string>, other: StepState): string {
  const theirs = other.lastByFile ?? {};
  const names = [...new Set([...Object.keys(byFile), ...Object.keys(theirs)])].sort();
  const name = names.find((n) => byFile[n] !== theirs[n]);
  if (name === undefined) return 'the same files';
  if (!(name in byFile)) return `${name} is missing`;
  if (!(name in theirs)) return `${name} is extra`;
  return `${name} differs`;
}

function stepFigures(step: StepState, notes: string[]): StepFigures {
  const runsMs = step.runs.map((run) => round1(run.wallMs));
  const last = step.runs.at(-1)!;
  const differing = step.runs.filter((run) => JSON.stringify(run.summary.counters) !== JSON.stringify(last.summary.counters)).length;
  if (differing > 0) notes.push(`${step.name}: ${differing} of its measured runs counted other work than its last one (a warm run should repeat exactly)`);
  const peaks = step.runs.map((run) => run.summary.peakRssMiB).sort((a, b) => a - b);
  return { name: step.name, runsMs, wallMs: wallStats(runsMs), counters: last.summary.counters, peakRssMiB: peaks[Math.floor(peaks.length / 2)]! };
}

function stepRecord(lesson: CommandLesson, figures: StepFigures, state: StepState, baselineMs: number, traceDir: string, hyperfine: StepRecord['hyperfine']): StepRecord {
  const step = lesson.steps.find((s) => s.name === figures.name)!;
  return {
    ...figures, label: step.label, summary: step.summary, rps: null, speedup: round2(baselineMs / figures.wallMs.median),
    coldMs: state.coldMs === null ? null : round1(state.coldMs), outputDigest: state.digest!,
    trace: relativeToRoot(path.join(traceDir, `${step.name}.trace.json`)), story: step.story, hyperfine,
  };
}

function envelope(lesson: CommandLesson, options: CommandRunOptions, runId: string, startedAt: string, status: CommandRunRecord['status'], extras: CommandRunExtras): Omit<CommandRunRecord, 'variants' | 'comparison'> {
  return {
    ...(extras.exercise ? { exercise: extras.exercise } : {}),
    schemaVersion: SCHEMA_VERSION, kind: 'command', status, lesson: { id: lesson.id, slug: lesson.slug, title: lesson.title }, runId, startedAt,
    finishedAt: new Date().toISOString(), machine: { cpus: os.availableParallelism(), node: process.version, platform: `${process.platform}-${process.arch}` },
    options: { warmup: options.warmup, rounds: options.rounds, quick: options.quick, hyperfine: options.hyperfine },
    params: options.params, order: lesson.steps.map((s) => s.name), compareFlamegraphs: null,
  };
}

/** How far hyperfine's medians lie from ours, in one sentence. */
function hyperfineNote(figures: readonly StepFigures[], found: ReadonlyMap<string, NonNullable<StepRecord['hyperfine']>>): string {
  const gaps = figures.map((step) => ({ name: step.name, gap: found.get(step.name)!.median / step.wallMs.median - 1 }));
  const widest = gaps.reduce((a, b) => (Math.abs(b.gap) > Math.abs(a.gap) ? b : a));
  const pct = (gap: number): string => `${gap >= 0 ? '+' : '−'}${Math.abs(Math.round(gap * 100))}%`;
  return `hyperfine's medians against ours: ${gaps.map((g) => `${g.name} ${pct(g.gap)}`).join(', ')}` +
    (Math.abs(widest.gap) > 0.1 ? ` (${widest.name} differs most: hyperfine runs a step's runs back to back, after the others' or before them; ours interleave)` : ' (within 10%)');
}

/** Work folders of runners that are gone (killed before they could clean up). */
async function sweepWorkFolders(): Promise<void> {
  for (const name of await readdir(os.tmpdir()).catch(() => [] as string[])) {
    const match = name.startsWith(CODEGEN_WORK_PREFIX) ? /^hotpath-codegen-(\d+)-/.exec(name) : null;
    if (match && !isAlive(Number(match[1]))) await rm(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
const round2 = (value: number): number => Math.round(value * 100) / 100;
