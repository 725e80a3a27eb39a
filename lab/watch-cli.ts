// `npm run watch -- <n> [flags]`: checks lesson n's exercise now and again on every save, as
// rustlings' watch does. Each check is the CLI's own (`--exercise`) in a child process: a save
// during a check stops it the way Ctrl+C would (its servers go with it), then starts a new one.
// Ctrl+C stops the check and the watcher; nothing is left running.
import { spawn, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, HotpathError } from '../core/errors.js';
import { everyLesson, findAnyLesson } from '../lessons/catalog.js';
import { exerciseFiles } from './exercise-build.js';
import { parseCliArgs, parseLessonNumber } from './options.js';
import { Terminal } from './terminal.js';

/** Editors save in bursts (a temp file, a rename, a chmod): one check per burst. */
const DEBOUNCE_MS = 300;
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli.js');

function main(argv: readonly string[]): void {
  const args = parseCliArgs(['--exercise', ...argv]); // the check's own flags, validated up front
  if (args.help) {
    process.stdout.write('usage: npm run watch -- <n> [flags of --exercise, e.g. --quick]\n\nChecks lesson n\'s exercise now and on every save of it; Ctrl+C to stop.\n');
    return;
  }
  const lesson = findAnyLesson(parseLessonNumber(args.lessonArg, everyLesson.map((l) => l.id)))!;
  if (!lesson.exercise) throw new HotpathError('E_USAGE', `lesson ${lesson.id} has no exercise (lessons ${everyLesson.filter((l) => l.exercise).map((l) => l.id).join(', ')} have one)`);
  const files = exerciseFiles(lesson.slug);
  const t = new Terminal(process.stdout);
  const checkArgs = [cli, ...argv.filter((arg) => arg !== '--exercise'), '--exercise'];

  let child: ChildProcess | null = null;
  let checks = 0;
  let pending = false;
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;

  const waiting = (): void => t.line(t.paint('dim', `\nwatching ${path.relative(process.cwd(), files.source) || files.source}: save it to check again · Ctrl+C to stop`));
  const check = (): void => {
    if (stopping) return;
    if (child) {
      // A check is running: stop it as Ctrl+C would, and start again when it has gone.
      pending = true;
      child.kill('SIGINT');
      return;
    }
    checks += 1;
    t.line(t.paint('dim', `\n— check ${checks}, ${new Date().toTimeString().slice(0, 8)} —`));
    // Its own process group: a Ctrl+C in the terminal reaches the watcher, which passes it on once.
    const started = spawn(process.execPath, checkArgs, { stdio: 'inherit', detached: true });
    child = started;
    started.once('exit', () => {
      child = null;
      if (stopping) process.exit(EXIT.agrees);
      if (pending) {
        pending = false;
        check();
      } else waiting();
    });
  };

  const watcher = watch(path.dirname(files.source), (_event, name) => {
    if (name !== path.basename(files.source)) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      check();
    }, DEBOUNCE_MS);
  });

  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    watcher.close();
    if (timer) clearTimeout(timer);
    t.line(t.paint('dim', '\nstopping the watch…'));
    if (child) child.kill('SIGINT'); // exits when the check has stopped its servers
    else process.exit(EXIT.agrees);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  check();
}

try {
  main(process.argv.slice(2));
} catch (error) {
  if (error instanceof HotpathError) {
    process.stderr.write(`hotpath: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  throw error;
}
