// `npm run lesson -- <n> [flags]`: parses argv, calls runLesson(), maps the outcome to an exit
// code. The only file that calls process.exit.
import { lessons, findLesson } from '../lessons/catalog.js';
import { EXIT_INTERNAL_ERROR, HotpathError } from './errors.js';
import { usage } from './help.js';
import { parseCliArgs, parseLessonNumber, resolveRunOptions } from './options.js';
import { runLesson } from './run-lesson.js';
import { stopAllServers } from './server-process.js';
import { Terminal } from './terminal.js';

async function main(argv: readonly string[]): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.help) {
    const lesson = args.lessonArg === undefined ? undefined : findLesson(Number(args.lessonArg));
    process.stdout.write(`${usage(lessons, lesson)}\n`);
    return 0;
  }
  const lesson = findLesson(parseLessonNumber(args.lessonArg, lessons.map((l) => l.id)))!;
  const options = resolveRunOptions(args, lesson);

  const controller = new AbortController();
  let interrupts = 0;
  const interrupt = (signal: NodeJS.Signals): void => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write(`\n${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: stopping servers… (again to force)\n`);
      controller.abort();
    } else {
      void stopAllServers(0).finally(() => process.exit(130));
    }
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  const terminal = new Terminal(options.json ? process.stderr : process.stdout);
  const { record } = await runLesson(lesson, options, {
    terminal,
    diagnostics: (line) => process.stderr.write(`${line}\n`),
    signal: controller.signal,
  });
  if (options.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
  return record.comparison.agreesWithTheory ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof HotpathError) {
      process.stderr.write(`hotpath: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(`hotpath: internal error (a bug, please report it with this stack):\n${(error as Error).stack ?? String(error)}\n`);
    void stopAllServers(0).finally(() => process.exit(EXIT_INTERNAL_ERROR));
  },
);
