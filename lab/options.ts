// The runner's flags as typed values: parsed and validated once at the edge (the table in
// flags.ts), then resolved against a lesson's defaults.
import { QUICK, RUN_DEFAULTS, WRK } from '../core/defaults.js';
import { HotpathError } from '../core/errors.js';
import { resolveProfile, type Lesson } from '../core/lesson.js';
import { ParamError, parseParamPairs, parseParams, type Params } from '../core/params.js';
import type { ClinicTool, DbKind, DriverName, LocustUser, ProfileChoice, RunOptions } from '../core/run-options.js';
import { wrkOnPath } from '../loadtests/wrk-install.js';
import { parseFlags } from './flags.js';

/** Flags as typed, before a lesson is known: the run's switches, and what the lesson resolves. */
export interface ParsedArgs extends Omit<RunOptions, 'duration' | 'warmup' | 'connections' | 'rounds' | 'params' | 'profile' | 'profileFrom' | 'driver' | 'driverChoice'> {
  help: boolean;
  /** `--driver`; null: the lesson's choice (resolveDriver). */
  driver: DriverName | null;
  lessonArg: string | undefined;
  /** Unset: the lesson's default (or --quick's). */
  duration?: number;
  warmup?: number;
  connections?: number;
  rounds?: number;
  /** `--profile` (`--no-flamegraph`: none); null: the lesson's default. */
  profile: ProfileChoice | null;
  /** `--param name=value`, not yet checked against the lesson. */
  rawParams: Record<string, string>;
  /** `--serve <variant>`: serve that variant instead of measuring the lesson. */
  serve: string | null;
  /** `--port <n>` with --serve (0: any free port). */
  port: number;
  /** `--exercise`: check the lesson's exercise instead of running the lesson. */
  exercise: boolean;
  /** `--hint`, `--solution` or `--reset`: an exercise action that measures nothing. */
  tutor: 'hint' | 'solution' | 'reset' | null;
  /** `--forget` with --reset. */
  forget: boolean;
  /** `--db <kind>`, checked against the lesson later (resolveDb). */
  db: DbKind | null;
  /** `--hyperfine` (a whole-process lesson). */
  hyperfine: boolean;
  /** `--open`: the run's page in the default browser afterwards. */
  open: boolean;
  /** The flags given on the command line, by name (a whole-process lesson refuses the load's). */
  given: readonly string[];
}

export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  const { values, positionals } = parseFlags(argv);
  if (positionals.length > 1) {
    throw new HotpathError('E_USAGE', `Expected one lesson number, got \`${positionals.join(' ')}\``);
  }
  const get = <T>(name: string): T | undefined => values.get(name) as T | undefined;
  const clinic = get<ClinicTool>('clinic') ?? null;
  const profile = profileFlag(get<ProfileChoice>('profile'), get<boolean>('no-flamegraph') ?? false);
  if (clinic !== null && profile !== null && profile !== 'none') {
    throw new HotpathError('E_USAGE', `\`--clinic ${clinic}\` runs each server under its own profiler; it cannot go with \`--profile ${profile}\``);
  }
  return {
    help: get<boolean>('help') ?? false,
    lessonArg: positionals[0],
    duration: get<number>('duration'),
    warmup: get<number>('warmup'),
    connections: get<number>('connections'),
    rounds: get<number>('rounds'),
    driver: get<DriverName>('driver') ?? null,
    locustWorkers: get<number>('locust-workers') ?? RUN_DEFAULTS.locustWorkers,
    locustUser: get<LocustUser>('locust-user') ?? RUN_DEFAULTS.locustUser,
    profile,
    json: get<boolean>('json') ?? false,
    quick: get<boolean>('quick') ?? false,
    verbose: get<boolean>('verbose') ?? false,
    clinic,
    rawParams: paramPairs(get<string[]>('param') ?? []),
    serve: get<string>('serve') ?? null,
    port: get<number>('port') ?? RUN_DEFAULTS.servePort,
    exercise: get<boolean>('exercise') ?? false,
    tutor: (['hint', 'solution', 'reset'] as const).find((action) => get<boolean>(action) === true) ?? null,
    forget: get<boolean>('forget') ?? false,
    db: get<DbKind>('db') ?? null,
    hyperfine: get<boolean>('hyperfine') ?? false,
    open: get<boolean>('open') ?? false,
    given: [...values.keys()],
  };
}

/** The lesson's parameters from `--param` flags, checked against its specs. */
export function resolveParams(args: Pick<ParsedArgs, 'rawParams'>, lesson: Pick<Lesson, 'params' | 'id'>): Params {
  try {
    return parseParams(lesson.params, args.rawParams);
  } catch (error) {
    if (error instanceof ParamError) throw new HotpathError('E_USAGE', `${error.message} (lesson ${lesson.id})`);
    throw error;
  }
}

export function resolveRunOptions(args: ParsedArgs, lesson: Lesson): RunOptions {
  refuseProfilingClusters(args, lesson);
  if (args.hyperfine) throw new HotpathError('E_USAGE', `\`--hyperfine\` times a command (lesson 9); lesson ${lesson.id} measures a server under load`);
  const driver = resolveDriver(args.driver, lesson, wrkOnPath() !== null);
  const preferred = lesson.load.preferredDriver;
  return {
    duration: args.duration ?? (args.quick ? QUICK.duration : lesson.load.duration),
    warmup: args.warmup ?? (args.quick ? QUICK.warmup : lesson.load.warmup),
    connections: args.connections ?? (preferred?.connections !== undefined && driver.driver === preferred.driver ? preferred.connections : lesson.load.connections),
    rounds: args.rounds ?? (args.quick ? QUICK.rounds : lesson.load.rounds ?? RUN_DEFAULTS.rounds),
    ...driver,
    // A clinic tool runs the server under its own profiler: no second one beside it.
    profile: args.clinic === null ? resolveProfile(lesson, args.profile, args.quick) : 'none',
    profileFrom: args.profile === null ? 'lesson' : 'flag',
    json: args.json,
    quick: args.quick,
    verbose: args.verbose,
    clinic: args.clinic,
    locustWorkers: args.locustWorkers,
    locustUser: args.locustUser,
    params: resolveParams(args, lesson),
    db: resolveDb(args, lesson),
  };
}

/**
 * The load driver: `--driver` when given; else the lesson's preferred one (wrk for byte-heavy
 * lessons) when it is installed; else autocannon, saying what the lesson would rather use.
 */
export function resolveDriver(asked: DriverName | null, lesson: Pick<Lesson, 'id' | 'load'>, wrkInstalled: boolean): Pick<RunOptions, 'driver' | 'driverChoice'> {
  if (asked !== null) return { driver: asked, driverChoice: { by: 'flag', why: null } };
  const preferred = lesson.load.preferredDriver;
  if (!preferred) return { driver: RUN_DEFAULTS.driver, driverChoice: { by: 'default', why: null } };
  if (wrkInstalled) return { driver: preferred.driver, driverChoice: { by: 'lesson', why: `lesson ${lesson.id} uses it when installed: ${preferred.why}` } };
  return {
    driver: RUN_DEFAULTS.driver,
    driverChoice: { by: 'fallback', why: `${preferred.driver} is not installed (\`apt-get install -y ${preferred.driver}\`): autocannon may be the bottleneck here, as ${preferred.why}` },
  };
}

/** `--db` for a lesson with a database (sqlite unless asked); a usage error on any other lesson. */
export function resolveDb(args: Pick<ParsedArgs, 'db'>, lesson: Lesson): DbKind | null {
  if (!lesson.database) {
    if (args.db !== null) throw new HotpathError('E_USAGE', `\`--db\` goes with a lesson that uses a database (lesson 8); lesson ${lesson.id} has none`);
    return null;
  }
  return args.db ?? 'sqlite';
}

/**
 * A cluster's workers are separate processes: 0x, clinic and the in-process profilers see one
 * process, so a lesson with a cluster variant is measured without profiles (its one-process
 * variant runs the same code: lesson 7 shows where such a handler's time and bytes go).
 */
function refuseProfilingClusters(args: Pick<ParsedArgs, 'profile' | 'clinic'>, lesson: Lesson): void {
  if (!lesson.variants.some((v) => v.cluster)) return;
  const asked = args.clinic !== null ? `--clinic ${args.clinic}` : args.profile !== null && args.profile !== 'none' ? `--profile ${args.profile}` : null;
  if (asked !== null) {
    throw new HotpathError('E_USAGE', `lesson ${lesson.id} serves a node:cluster, whose workers ${asked} cannot follow: run it without (its figures are counted in every worker)`);
  }
}

/** The driver in words, e.g. `locust (FastHttpUser, 2 workers)`. */
export function describeDriver(options: Pick<RunOptions, 'driver' | 'locustWorkers' | 'locustUser'>): string {
  if (options.driver === 'wrk') return `wrk (C, ${WRK.threads} thread${WRK.threads === 1 ? '' : 's'})`;
  if (options.driver !== 'locust') return options.driver;
  const user = options.locustUser === 'story' ? 'HttpUser, 0.5 s think time' : 'FastHttpUser';
  const workers = options.locustWorkers > 0 ? `, master + ${options.locustWorkers} worker${options.locustWorkers > 1 ? 's' : ''}` : '';
  return `locust (${user}${workers})`;
}

export function parseLessonNumber(text: string | undefined, known: readonly number[]): number {
  const list = known.join(', ');
  if (text === undefined) throw new HotpathError('E_USAGE', `Expected a lesson number (${list}), e.g. \`npm run lesson -- 2\``);
  const id = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!known.includes(id)) throw new HotpathError('E_USAGE', `Unknown lesson \`${text}\`; the lessons are ${list}`);
  return id;
}

function profileFlag(profile: ProfileChoice | undefined, noFlamegraph: boolean): ProfileChoice | null {
  if (noFlamegraph && profile !== undefined && profile !== 'none') {
    throw new HotpathError('E_USAGE', `\`--no-flamegraph\` means \`--profile none\`; it cannot go with \`--profile ${profile}\``);
  }
  return noFlamegraph ? 'none' : (profile ?? null);
}

function paramPairs(flags: readonly string[]): Record<string, string> {
  try {
    return parseParamPairs(flags);
  } catch (error) {
    if (error instanceof ParamError) throw new HotpathError('E_USAGE', error.message);
    throw error;
  }
}
