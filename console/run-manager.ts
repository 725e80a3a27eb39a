// One run at a time, driven by the browser: the same runLesson() (or runCommandLesson(), or the
// exercise check) the CLI calls, in this process, with a terminal that turns its output into
// events. Stop aborts it the way Ctrl+C does: servers stopped, nothing left running, the record
// written as aborted.
import { Writable } from 'node:stream';
import { EXIT, HotpathError } from '../core/errors.js';
import { relativeToRoot } from '../core/paths.js';
import { fileUrl } from './file-urls.js';
import { checkCommandExercise } from '../lab/command-exercise.js';
import { resolveCommandOptions } from '../lab/command-options.js';
import { checkExercise } from '../lab/exercise-check.js';
import { resetExercise, showHint, showSolution } from '../lab/exercise-tutor.js';
import { parseCliArgs, resolveRunOptions, type ParsedArgs } from '../lab/options.js';
import { runCommandLesson } from '../lab/run-command-lesson.js';
import type { RunIo } from '../lab/run-lesson.js';
import { runLesson } from '../lab/run-lesson.js';
import { Terminal } from '../lab/terminal.js';
import { findAnyLesson, isCommandLesson, type AnyLesson } from '../lessons/catalog.js';
import { ConsoleTerminal } from './console-terminal.js';
import type { EventLog } from './event-log.js';
import { runRequestArgv } from './run-request.js';

/** A second run while one is going. */
export class RunBusy extends HotpathError {}

export type RunKind = 'run' | 'exercise';

export interface ActiveRun {
  id: string;
  kind: RunKind;
  lesson: number;
  argv: string[];
  startedAt: string;
}

/** What a finished run says: its record, verdict, exit code (as the CLI's), and its page. */
interface Finished {
  status: string;
  runId: string | null;
  verdict: string | null;
  valid: boolean;
  exitCode: number;
  record: string | null;
  page: string | null;
  /** Where the console serves them (/files/…), or null. */
  recordUrl: string | null;
  pageUrl: string | null;
  /** An exercise check's outcome (passed, too-slow, unchanged, …). */
  outcome?: string;
}

interface RecordLike {
  status: string;
  runId: string;
  comparison: { verdict: string; valid: boolean };
  compareFlamegraphs: string | null;
}

export class RunManager {
  #current: (ActiveRun & { controller: AbortController; done: Promise<void> }) | null = null;
  #count = 0;

  constructor(readonly events: EventLog) {}

  get current(): ActiveRun | null {
    if (!this.#current) return null;
    const { id, kind, lesson, argv, startedAt } = this.#current;
    return { id, kind, lesson, argv, startedAt };
  }

  /** `POST /api/runs`: validated as the CLI would, then started; throws RunBusy or a usage error (400). */
  start(body: unknown): ActiveRun {
    this.#refuseIfBusy();
    const argv = runRequestArgv(body);
    const args = parseCliArgs(argv);
    const lesson = lessonOf(argv[0]!);
    // Resolved before anything starts, so a bad flag is a 400 and nothing runs.
    if (isCommandLesson(lesson)) {
      const options = resolveCommandOptions(args, lesson);
      return this.#launch('run', lesson, argv, async (io) => fromRecord(await runCommandLesson(lesson, options, io)));
    }
    const options = resolveRunOptions(args, lesson);
    return this.#launch('run', lesson, argv, async (io) => fromRecord(await runLesson(lesson, options, io)));
  }

  /** `POST /api/lessons/<n>/exercise/check`: the CLI's `--exercise`, quick or not. */
  startExercise(lessonId: number, body: unknown): ActiveRun {
    this.#refuseIfBusy();
    const quick = typeof body === 'object' && body !== null && (body as { quick?: unknown }).quick === true;
    const argv = [String(lessonId), '--exercise', ...(quick ? ['--quick'] : [])];
    const args: ParsedArgs = parseCliArgs(argv);
    const lesson = lessonOf(argv[0]!);
    if (!lesson.exercise) throw new HotpathError('E_USAGE', `lesson ${lesson.id} has no exercise`);
    if (isCommandLesson(lesson)) {
      const options = resolveCommandOptions(args, lesson);
      return this.#launch('exercise', lesson, argv, async (io) => {
        const check = await checkCommandExercise(lesson, options, io);
        return { ...(check.record ? fromRecord({ record: check.record, recordFile: null }) : noRecord()), exitCode: check.exitCode, outcome: check.outcome };
      });
    }
    const options = resolveRunOptions(args, { ...lesson, profile: 'none' });
    return this.#launch('exercise', lesson, argv, async (io) => {
      const check = await checkExercise(lesson, options, io);
      return { ...(check.record ? fromRecord({ record: check.record, recordFile: null }) : noRecord()), exitCode: check.exitCode, outcome: check.outcome };
    });
  }

  /** Stops the run `id`, as Ctrl+C would; false when it is not the one going. */
  async stop(id: string): Promise<boolean> {
    const current = this.#current;
    if (!current || current.id !== id) return false;
    current.controller.abort();
    await current.done;
    return true;
  }

  /** Stops whatever runs (the console is closing). */
  async stopAll(): Promise<void> {
    const current = this.#current;
    if (!current) return;
    current.controller.abort();
    await current.done;
  }

  #refuseIfBusy(): void {
    if (this.#current) throw new RunBusy('E_USAGE', `a run is going (${this.#current.id}, lesson ${this.#current.lesson}): stop it or wait for it to finish`);
  }

  #launch(kind: RunKind, lesson: AnyLesson, argv: string[], body: (io: RunIo) => Promise<Finished>): ActiveRun {
    this.#count += 1;
    const id = `run-${this.#count}`;
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    const controller = new AbortController();
    const terminal = new ConsoleTerminal({
      line: (text) => this.events.emit('line', { id, text }),
      // atMs: when, in the run, so a tab that joins late draws the same chart.
      progress: (tick) => this.events.emit('progress', { id, atMs: Date.now() - started, ...tick }),
      pointDone: (done) => this.events.emit('point', { id, ...done }),
    });
    const io: RunIo = {
      terminal,
      diagnostics: (text) => this.events.emit('diagnostic', { id, text }),
      signal: controller.signal,
      // Each round as it ends: its req/s, and the server's lock timeline (issue [6]'s sampler),
      // its samples placed on the run's clock like the progress ticks.
      onRound: (label, round) => {
        const atMs = Date.now() - started;
        const openedAtMs = atMs - round.durationSec * 1000;
        const samples = round.timeline?.samples ?? [];
        this.events.emit('round', {
          id, label, atMs, rps: round.rps, lockWait: round.lockWait ?? null,
          lock: samples.some((s) => s.lockQueue !== null)
            ? samples.map((s) => ({ atMs: Math.round(openedAtMs + s.tMs), queue: s.lockQueue, waitMs: s.lockWaitMs }))
            : null,
        });
      },
    };
    this.events.emit('run-started', { id, kind, lesson: lesson.id, argv, startedAt });
    const done = body(io).then(
      (result) => {
        this.events.emit('run-finished', { id, kind, lesson: lesson.id, ...result });
      },
      (error: unknown) => {
        const interrupted = error instanceof HotpathError && error.code === 'E_INTERRUPTED';
        this.events.emit(interrupted ? 'run-stopped' : 'run-failed', { id, kind, lesson: lesson.id, message: (error as Error).message });
      },
    ).finally(() => {
      this.#current = null;
    });
    this.#current = { id, kind, lesson: lesson.id, argv, startedAt, controller, done };
    return { id, kind, lesson: lesson.id, argv, startedAt };
  }
}

/** `--hint`, `--solution`, `--reset`: what the terminal would print, as lines. */
export async function tutorLines(lessonId: number, action: 'hint' | 'solution' | 'reset'): Promise<string[]> {
  const lesson = lessonOf(String(lessonId));
  if (!lesson.exercise) throw new HotpathError('E_USAGE', `lesson ${lesson.id} has no exercise`);
  let text = '';
  const terminal = new Terminal(new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }));
  if (action === 'hint') await showHint(terminal, lesson);
  else if (action === 'solution') await showSolution(terminal, lesson);
  else await resetExercise(terminal, lesson, false);
  return text.replace(/\n$/, '').split('\n');
}

function lessonOf(text: string): AnyLesson {
  const lesson = findAnyLesson(Number(text));
  if (!lesson) throw new HotpathError('E_USAGE', `Unknown lesson \`${text}\``);
  return lesson;
}

function noRecord(): Finished {
  return { status: 'none', runId: null, verdict: null, valid: false, exitCode: EXIT.disagrees, record: null, page: null, recordUrl: null, pageUrl: null };
}

function fromRecord(outcome: { record: RecordLike; recordFile: string | null }): Finished {
  const { record } = outcome;
  const exitCode = record.status !== 'complete' || !record.comparison.valid ? EXIT.disagrees
    : record.comparison.verdict === 'agrees' ? EXIT.agrees : record.comparison.verdict === 'inconclusive' ? EXIT.inconclusive : EXIT.disagrees;
  return {
    status: record.status,
    runId: record.runId,
    verdict: record.comparison.verdict,
    valid: record.comparison.valid,
    exitCode,
    record: outcome.recordFile ? relativeToRoot(outcome.recordFile) : null,
    page: record.compareFlamegraphs,
    recordUrl: outcome.recordFile ? fileUrl(outcome.recordFile) : null,
    pageUrl: record.compareFlamegraphs ? fileUrl(record.compareFlamegraphs) : null,
  };
}
