// The runner's flags, declared once. This table drives parsing and validation (options.ts), the
// text of `--help` (help.ts) and the README's flag table (`npm run readme`; a test keeps the
// README in step), as 0x's schema feeds both its validation and its usage text.
import { parseArgs } from 'node:util';
import { LIMITS, QUICK } from '../core/defaults.js';
import { HotpathError } from '../core/errors.js';
import { CLINIC_TOOLS, DB_KINDS, DRIVERS, LOCUST_USERS, PROFILE_CHOICES } from '../core/run-options.js';

/**
 * What a flag is for: measuring a lesson (`run`), serving one variant (`serve`), checking the
 * exercise (`exercise`), or the exercise's hint, solution and reset (`tutor`).
 */
export type FlagMode = 'run' | 'serve' | 'exercise' | 'tutor';

interface FlagBase {
  /** Long name, without the dashes. */
  name: string;
  short?: string;
  /** Placeholder of its value in help and the README, e.g. `<s>`; none for a switch. */
  value?: string;
  /** One line for `--help` (ranges and choices are added from the spec). */
  help: string;
  /** The README's words, when they say more than `help`. */
  readme?: string;
  /** The modes it applies to; anywhere else it is a usage error. */
  modes: readonly FlagMode[];
  /** Only together with this flag (and value). */
  requires?: { flag: string; value: string };
}

export type FlagSpec = FlagBase &
  (
    | { kind: 'switch' }
    | { kind: 'seconds' | 'integer'; range: readonly [number, number] }
    | { kind: 'choice'; choices: readonly string[] }
    /** Free text checked later (a variant name): the table only says it takes one value. */
    | { kind: 'text' }
    /** `name=value`, repeatable: checked later against the lesson. */
    | { kind: 'pairs' }
  );

const RUN: readonly FlagMode[] = ['run'];
/** A measurement's flags: a lesson run's, and an exercise check's (which runs unprofiled). */
const MEASURE: readonly FlagMode[] = ['run', 'exercise'];
const BOTH: readonly FlagMode[] = ['run', 'serve', 'exercise'];
const TUTOR: readonly FlagMode[] = ['tutor'];
/** The flags that put argv in each mode other than `run`, as help and errors name them. */
const MODE_FLAGS: ReadonlyArray<[Exclude<FlagMode, 'run'>, readonly string[]]> = [['serve', ['serve']], ['exercise', ['exercise']], ['tutor', ['hint', 'solution', 'reset']]];

export const FLAGS: readonly FlagSpec[] = [
  { name: 'quick', kind: 'switch', modes: MEASURE, help: `smoke run: warm-up ${QUICK.warmup} s, ${QUICK.duration} s measured per point in ${QUICK.rounds} rounds` },
  { name: 'duration', kind: 'seconds', value: '<s>', range: LIMITS.duration, modes: MEASURE, help: 'measured seconds per point, in total over its rounds' },
  {
    name: 'rounds', kind: 'integer', value: '<n>', range: LIMITS.rounds, modes: MEASURE, help: 'rounds per point, interleaved; the verdict reads their spread',
    readme: 'rounds per point, interleaved (every point\'s round 1, then round 2, …); medians are reported and the verdict reads their spread (1: no spread)',
  },
  { name: 'warmup', kind: 'seconds', value: '<s>', range: LIMITS.warmup, modes: MEASURE, help: 'warm-up seconds per point, not measured' },
  { name: 'connections', kind: 'integer', value: '<n>', range: LIMITS.connections, modes: MEASURE, help: 'concurrent connections' },
  {
    name: 'param', kind: 'pairs', value: 'name=value', modes: BOTH, help: 'a lesson parameter; theory and verdict follow it (repeatable)',
    readme: 'a lesson parameter, e.g. `--param dbMs=20`: the theory and the verdict follow it (repeatable)',
  },
  {
    name: 'profile', kind: 'choice', value: '<what>', choices: PROFILE_CHOICES, modes: RUN, help: 'profile CPU, allocation, both or none (default: the lesson\'s)',
    readme: 'what to profile: `cpu` (0x graph per variant, V8 sampler over the measured windows), `alloc` (V8\'s sampling heap profiler, in a pass of its own), `both` or `none`; the default is the lesson\'s (`--help` with a lesson says it)',
  },
  { name: 'no-flamegraph', kind: 'switch', modes: RUN, help: 'the same as --profile none' },
  {
    name: 'clinic', kind: 'choice', value: '<tool>', choices: CLINIC_TOOLS, modes: RUN, help: 'run each server under a clinic tool',
    readme: 'run each server under that clinic tool instead of 0x and link its HTML report',
  },
  { name: 'driver', kind: 'choice', value: '<name>', choices: DRIVERS, modes: MEASURE, help: 'the load generator: autocannon is built in and the default; lesson 5 picks wrk when it is installed' },
  {
    name: 'locust-workers', kind: 'integer', value: '<n>', range: LIMITS.locustWorkers, modes: MEASURE, requires: { flag: 'driver', value: 'locust' },
    help: 'a Locust master and n workers on 127.0.0.1; 0 is one standalone process',
  },
  {
    name: 'locust-user', kind: 'choice', value: '<model>', choices: LOCUST_USERS, modes: MEASURE, requires: { flag: 'driver', value: 'locust' },
    help: 'fast: FastHttpUser, no think time (default); story: HttpUser, 0.5 s think time',
  },
  {
    name: 'db', kind: 'choice', value: '<kind>', choices: DB_KINDS, modes: BOTH, help: 'a lesson with a database (lesson 8): sqlite, embedded (default), or postgres',
    readme: 'the database of a lesson that has one (lesson 8): `sqlite`, embedded, made on first use (default), or `postgres`, a throwaway PostgreSQL cluster the runner starts and stops (`apt-get install postgresql`)',
  },
  {
    name: 'hyperfine', kind: 'switch', modes: RUN, help: 'lesson 9: also time every step with hyperfine, beside the table (apt-get install hyperfine)',
    readme: 'lesson 9 (a command timed start to finish): also time every step with hyperfine (`apt-get install hyperfine`) and show its figures beside the table',
  },
  {
    name: 'open', kind: 'switch', modes: RUN, help: 'open the run\'s page in the default browser when it is done (never in CI)',
    readme: 'open the run\'s page (its compare page, lesson 9\'s timelines, else the gallery) in the default browser when the run is done: xdg-open, or open on macOS; never when CI=true',
  },
  {
    name: 'json', kind: 'switch', modes: MEASURE, help: 'the run record on stdout, everything else on stderr (use npm run -s)',
    readme: 'the run record on stdout, everything human on stderr: `npm run -s lesson -- 2 --json`',
  },
  {
    name: 'serve', kind: 'text', value: '<variant>', modes: ['serve'],
    help: 'serve one variant on 127.0.0.1 until Ctrl+C, and print its URL (no load, no verdict)',
    readme: 'serve one variant (with its site or upstream) on 127.0.0.1 until Ctrl+C; prints `HOTPATH_SERVING <url>` on stdout',
  },
  { name: 'port', kind: 'integer', value: '<n>', range: LIMITS.port, modes: ['serve'], help: 'the port to serve on; 0 (the default) is any free one' },
  {
    name: 'exercise', kind: 'switch', modes: ['exercise'],
    help: 'check your exercise.ts: compile, compare answers, measure it against the slow variant (exit 0 passed)',
    readme: 'check the lesson\'s exercise (`lessons/NN-slug/exercise.ts`): refused while unchanged, compiled on its own (errors as file:line, exit 2), answers compared, then measured against the slow variant and the reference in interleaved rounds; exit 0 passed, 1 not yet, 4 inconclusive',
  },
  { name: 'hint', kind: 'switch', modes: TUTOR, help: 'show the exercise\'s next hint (and the ones before it)' },
  { name: 'solution', kind: 'switch', modes: TUTOR, help: 'print the reference\'s changes against the starting exercise, as a diff' },
  {
    name: 'reset', kind: 'switch', modes: TUTOR, help: 'put the starting exercise back (your version is kept under HOTPATH_HOME)',
    readme: 'put the starting exercise back; your version is kept in `exercise-backups/`, progress is kept',
  },
  { name: 'forget', kind: 'switch', modes: TUTOR, requires: { flag: 'reset', value: 'true' }, help: 'also clear the exercise\'s progress (hints and checks)' },
  { name: 'verbose', kind: 'switch', modes: BOTH, help: "mirror the servers' and profilers' output to stderr" },
  { name: 'help', short: 'h', kind: 'switch', modes: ['run', 'serve', 'exercise', 'tutor'], help: 'this text, with the lesson\'s parameters and variants when a lesson is given' },
];

/** Values by flag name, validated: numbers for numeric flags, strings, booleans, name=value lists. */
export type FlagValues = ReadonlyMap<string, number | string | boolean | string[]>;

export interface ParsedFlags {
  values: FlagValues;
  positionals: string[];
  /** `serve` when --serve was given, else `run`. */
  mode: FlagMode;
}

/** Parses argv against the table: unknown flags, bad values and flags of the other mode are usage errors. */
export function parseFlags(argv: readonly string[], table: readonly FlagSpec[] = FLAGS): ParsedFlags {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(table.map((spec) => [spec.name, {
        type: spec.kind === 'switch' ? 'boolean' as const : 'string' as const,
        ...(spec.short ? { short: spec.short } : {}),
        ...(spec.kind === 'pairs' ? { multiple: true } : {}),
      }])),
    });
  } catch (error) {
    // parseArgs says e.g. "Unknown option '--frobnicate'"; keep its words, drop its advice.
    const message = (error as Error).message.split('. To specify')[0] ?? String(error);
    throw new HotpathError('E_USAGE', `${message} (see --help)`);
  }
  const values = new Map<string, number | string | boolean | string[]>();
  for (const spec of table) {
    const raw = (parsed.values as Record<string, string | boolean | string[] | undefined>)[spec.name];
    if (raw !== undefined) values.set(spec.name, checkValue(spec, raw));
  }
  const modes = MODE_FLAGS.filter(([, flags]) => flags.some((flag) => values.has(flag)));
  const given = modes.flatMap(([, flags]) => flags.filter((flag) => values.has(flag)));
  if (given.length > 1) throw new HotpathError('E_USAGE', `\`--${given[0]}\` and \`--${given[1]}\` do different things: give one of them`);
  const mode: FlagMode = modes[0]?.[0] ?? 'run';
  for (const spec of table) {
    if (!values.has(spec.name)) continue;
    if (!spec.modes.includes(mode) && !(mode === 'run' && spec.requires)) {
      const home = table.find((other) => other.name === MODE_FLAGS.find(([m]) => spec.modes.includes(m))?.[1][0]);
      throw new HotpathError('E_USAGE', mode !== 'run' ? `\`--${spec.name}\` does not go with \`--${given[0]}\``
        : `\`--${spec.name}\` can only go with \`${home ? flagSynopsis(home) : '?'}\``);
    }
    if (spec.requires && String(values.get(spec.requires.flag)) !== spec.requires.value) {
      throw new HotpathError('E_USAGE', `\`--${spec.name}\` can only go with \`${requirement(spec.requires)}\``);
    }
  }
  return { values, positionals: parsed.positionals, mode };
}

function checkValue(spec: FlagSpec, raw: string | boolean | string[]): number | string | boolean | string[] {
  switch (spec.kind) {
    case 'switch':
    case 'pairs':
      return raw;
    case 'text':
      if (typeof raw === 'string' && raw.trim() !== '') return raw;
      throw new HotpathError('E_USAGE', `Expected \`--${spec.name}\` to be followed by ${spec.value ?? 'a value'}`);
    case 'choice':
      if (spec.choices.includes(raw as string)) return raw;
      throw new HotpathError('E_USAGE', `Expected \`--${spec.name}\` to be one of ${spec.choices.join(', ')}, got \`${String(raw)}\``);
    case 'seconds':
    case 'integer': {
      const text = String(raw);
      const [min, max] = spec.range;
      const value = spec.kind === 'integer' ? (/^\d+$/.test(text.trim()) ? Number(text) : Number.NaN) : text.trim() === '' ? Number.NaN : Number(text);
      const ok = spec.kind === 'integer' ? Number.isSafeInteger(value) : Number.isFinite(value);
      if (ok && value >= min && value <= max) return value;
      const what = spec.kind === 'integer' ? 'an integer' : 'a number of seconds';
      throw new HotpathError('E_USAGE', `Expected \`--${spec.name}\` to be ${what} from ${min} to ${max}, got \`${text}\``);
    }
  }
}

/** `--driver locust`, or `--reset` for a switch. */
function requirement(requires: NonNullable<FlagBase['requires']>): string {
  return requires.value === 'true' ? `--${requires.flag}` : `--${requires.flag} ${requires.value}`;
}

/** `--duration <s>`, `-h, --help`: how a flag is written. */
export function flagSynopsis(spec: FlagSpec): string {
  return `${spec.short ? `-${spec.short}, ` : ''}--${spec.name}${spec.value ? ` ${spec.value}` : ''}`;
}

/** What the spec adds to the words: the range, the choices, what it goes with. */
function constraints(spec: FlagSpec): string[] {
  const parts: string[] = [];
  if (spec.kind === 'seconds' || spec.kind === 'integer') parts.push(`${spec.range[0]}-${spec.range[1]}`);
  if (spec.kind === 'choice') parts.push(spec.choices.join('|'));
  if (spec.requires) parts.push(`with ${requirement(spec.requires)}`);
  if (!spec.modes.includes('run') && spec.modes.includes('serve') && spec.name !== 'serve') parts.push('with --serve');
  return parts;
}

/** One `--help` line per flag. */
export function flagHelpLines(table: readonly FlagSpec[] = FLAGS): string[] {
  const width = Math.max(...table.map((spec) => flagSynopsis(spec).length)) + 2;
  return table.map((spec) => {
    const extra = constraints(spec);
    return `  ${flagSynopsis(spec).padEnd(width)}${spec.help}${extra.length ? ` (${extra.join('; ')})` : ''}`;
  });
}

/** The README's flag table, in Markdown. */
export function flagMarkdownTable(table: readonly FlagSpec[] = FLAGS): string {
  const escape = (text: string): string => text.replaceAll('|', '\\|');
  const rows = table.map((spec) => {
    const extra = constraints(spec).map((part) => part.replace(/^with (.*)$/, 'with `$1`'));
    const words = `${spec.readme ?? spec.help}${extra.length ? ` (${extra.join('; ')})` : ''}`;
    return `| \`${escape(flagSynopsis(spec))}\` | ${escape(words)} |`;
  });
  return ['| flag | meaning |', '|---|---|', ...rows].join('\n');
}
