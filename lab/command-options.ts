// The flags of a whole-process lesson (lesson 9), resolved against its defaults. Its rounds and
// warm-ups count runs of the command, not seconds; a load's flags (connections, duration, driver,
// profilers, database, serve) have nothing to act on, and are refused rather than ignored.
import { HotpathError } from '../core/errors.js';
import type { CommandLesson, CommandRunOptions } from '../core/command-lesson.js';
import { resolveParams, type ParsedArgs } from './options.js';

/** Flags that shape a load or a server: not a command's. */
const LOAD_FLAGS = ['duration', 'connections', 'driver', 'locust-workers', 'locust-user', 'profile', 'no-flamegraph', 'clinic', 'db', 'serve', 'port'];

/** Warm-up runs per step at most (`--warmup`), as --rounds allows rounds. */
export const MAX_WARMUP_RUNS = 20;

export function resolveCommandOptions(args: ParsedArgs, lesson: CommandLesson): CommandRunOptions {
  const refused = args.given.find((flag) => LOAD_FLAGS.includes(flag));
  if (refused) {
    throw new HotpathError('E_USAGE', `\`--${refused}\` does not apply to lesson ${lesson.id}, which times a command start to finish: there is no server load to shape (it takes --rounds, --warmup <runs>, --quick, --param, --hyperfine, --json, --verbose, and the exercise's flags)`);
  }
  if (args.warmup !== undefined && (!Number.isInteger(args.warmup) || args.warmup > MAX_WARMUP_RUNS)) {
    throw new HotpathError('E_USAGE', `Expected \`--warmup\` to be a number of warm-up runs from 0 to ${MAX_WARMUP_RUNS} for lesson ${lesson.id}, got \`${args.warmup}\``);
  }
  const runs = args.quick ? lesson.quickRuns : lesson.runs;
  return {
    warmup: args.warmup ?? runs.warmup,
    rounds: args.rounds ?? runs.rounds,
    quick: args.quick,
    json: args.json,
    verbose: args.verbose,
    hyperfine: args.hyperfine,
    params: resolveParams(args, lesson),
  };
}
