// `npm run lesson -- <n> [flags]`: parses argv, calls runLesson() (or serveLesson() with
// --serve), maps the outcome to an exit code. The only file that calls process.exit.
import path from 'node:path';
import { flamegraphsDir } from '../core/paths.js';
import type { RunRecord } from './run-record.js';
import { EXIT, HotpathError } from '../core/errors.js';
import { everyLesson, findAnyLesson, isCommandLesson } from '../lessons/catalog.js';
import type { CommandLesson } from '../core/command-lesson.js';
import { resolveCommandOptions } from './command-options.js';
import { runCommandLesson } from './run-command-lesson.js';
import { usage } from './help.js';
import { parseCliArgs, parseLessonNumber, resolveDb, resolveParams, resolveRunOptions } from './options.js';
import { checkExercise } from './exercise-check.js';
import { resetExercise, showHint, showSolution, type TutorLesson } from './exercise-tutor.js';
import { checkCommandExercise } from './command-exercise.js';
import { openPage } from './open-page.js';
import { runLesson } from './run-lesson.js';
import { serveLesson } from './serve-lesson.js';
import { stopAllServers } from './server-process.js';
import { Terminal } from './terminal.js';
import { exitWith } from './exit-with.js';

async function main(argv: readonly string[]): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.help) {
    const lesson = args.lessonArg === undefined ? undefined : findAnyLesson(Number(args.lessonArg));
    process.stdout.write(`${usage(everyLesson, lesson)}\n`);
    return EXIT.agrees;
  }
  const found = findAnyLesson(parseLessonNumber(args.lessonArg, everyLesson.map((l) => l.id)))!;
  if (isCommandLesson(found)) {
    if ((args.exercise || args.tutor) && !found.exercise) throw new HotpathError('E_USAGE', `lesson ${found.id} has no exercise`);
    if (args.tutor) return tutor(args.tutor, found, args.forget);
    return runCommand(found, resolveCommandOptions(args, found), args.exercise, args.open);
  }
  const lesson = found;
  if ((args.exercise || args.tutor) && !lesson.exercise) {
    const withExercises = everyLesson.filter((l) => !isCommandLesson(l) && l.exercise).map((l) => l.id).join(', ');
    throw new HotpathError('E_USAGE', `lesson ${lesson.id} has no exercise (lessons ${withExercises} have one)`);
  }
  if (args.tutor) return tutor(args.tutor, lesson, args.forget);
  const serving = args.serve !== null;
  // Serve mode keeps stdout for its one HOTPATH_SERVING line; --json keeps it for the record.
  // An exercise check runs unprofiled whatever the lesson's default: its figures decide.
  const options = serving ? null : resolveRunOptions(args, args.exercise ? { ...lesson, profile: 'none' } : lesson);
  const params = options?.params ?? resolveParams(args, lesson);

  const controller = onInterrupt(serving);

  const io = {
    terminal: new Terminal(serving || options?.json ? process.stderr : process.stdout),
    diagnostics: (line: string) => process.stderr.write(`${line}\n`),
    signal: controller.signal,
  };
  if (serving) {
    await serveLesson(lesson, { variant: args.serve!, port: args.port, params, verbose: args.verbose, db: resolveDb(args, lesson) }, io, process.stdout);
    return EXIT.agrees; // stopped as asked
  }
  if (args.exercise) {
    const { exitCode, record } = await checkExercise(lesson, options!, io);
    if (options!.json && record) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    return exitCode;
  }
  const { record } = await runLesson(lesson, options!, io);
  if (args.open) io.terminal.line(await openPage(pageOf(record)));
  if (options!.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
  return exitCodeOf(record);
}

/** Ctrl+C (or SIGTERM) aborts the run once; a second time forces the exit. */
function onInterrupt(serving: boolean): AbortController {
  const controller = new AbortController();
  let interrupts = 0;
  const interrupt = (signal: NodeJS.Signals): void => {
    interrupts += 1;
    if (interrupts === 1) {
      const what = serving ? 'stopping' : signal === 'SIGINT' ? 'interrupted: stopping servers…' : 'terminated: stopping servers…';
      process.stderr.write(`\n${what} (again to force)\n`);
      controller.abort();
    } else {
      void stopAllServers(0).finally(() => process.exit(EXIT.interrupted));
    }
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  return controller;
}

/** `--hint`, `--solution`, `--reset`: an exercise action that measures nothing. */
async function tutor(action: 'hint' | 'solution' | 'reset', lesson: TutorLesson, forget: boolean): Promise<number> {
  const terminal = new Terminal(process.stdout);
  if (action === 'hint') await showHint(terminal, lesson);
  else if (action === 'solution') await showSolution(terminal, lesson);
  else await resetExercise(terminal, lesson, forget);
  return EXIT.agrees;
}

/** A whole-process lesson (lesson 9): timed runs of a command, no server under load; or its exercise's check. */
async function runCommand(lesson: CommandLesson, options: ReturnType<typeof resolveCommandOptions>, exercise: boolean, open: boolean): Promise<number> {
  const controller = onInterrupt(false);
  const terminal = new Terminal(options.json ? process.stderr : process.stdout);
  const io = { terminal, diagnostics: (line: string) => process.stderr.write(`${line}\n`), signal: controller.signal };
  if (exercise) {
    const { exitCode, record } = await checkCommandExercise(lesson, options, io);
    if (options.json && record) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    return exitCode;
  }
  const { record } = await runCommandLesson(lesson, options, io);
  if (open) terminal.line(await openPage(pageOf(record)));
  if (options.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
  return exitCodeOf(record);
}

/** The page `--open` opens: the run's own (compare page, lesson 9's timelines), else the gallery. */
function pageOf(record: { compareFlamegraphs: string | null }): string {
  return record.compareFlamegraphs ?? path.join(flamegraphsDir(), 'index.html');
}

/** 0 agrees · 1 disagrees, invalid or failed · 4 inconclusive. */
function exitCodeOf(record: Pick<RunRecord, 'status' | 'comparison'>): number {
  const { comparison } = record;
  if (record.status !== 'complete' || !comparison.valid) return EXIT.disagrees;
  return comparison.verdict === 'agrees' ? EXIT.agrees : comparison.verdict === 'inconclusive' ? EXIT.inconclusive : EXIT.disagrees;
}

exitWith(main(process.argv.slice(2)));
