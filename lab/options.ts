// The runner's flags: parsed once at the edge, validated once, with defaults in one place.
import { parseArgs } from 'node:util';
import type { Lesson, Params } from '../server/lesson-types.js';
import { ParamError, parseParamPairs, parseParams } from '../server/params.js';
import { HotpathError } from './errors.js';

export const CLINIC_TOOLS = ['doctor', 'bubbleprof', 'flame', 'heapprofiler'] as const;
export type ClinicTool = (typeof CLINIC_TOOLS)[number];
export const DRIVERS = ['autocannon', 'locust'] as const;
export const LOCUST_USERS = ['fast', 'story'] as const;
export type LocustUser = (typeof LOCUST_USERS)[number];
export type DriverName = (typeof DRIVERS)[number];

/** What `--quick` means: a smoke run, same connections and profiling as the default run. */
export const QUICK = { warmup: 1, duration: 3 } as const;

export const LIMITS = {
  duration: [1, 600],
  warmup: [0, 600],
  connections: [1, 1000],
  locustWorkers: [0, 16],
} as const;

/** Flags that mean the same before and after a lesson is known. */
interface RunSwitches {
  driver: DriverName;
  /** Profile with 0x where the lesson profiles (`--no-flamegraph` turns it off). */
  flamegraph: boolean;
  json: boolean;
  quick: boolean;
  verbose: boolean;
  clinic: ClinicTool | null;
  /** Locust's distributed mode: a master and this many workers (0: one standalone process). */
  locustWorkers: number;
  /** Locust's user model: `fast` (FastHttpUser, no think time) or `story` (HttpUser, 0.5 s). */
  locustUser: LocustUser;
}

/** Flags as typed, before a lesson is known. */
export interface ParsedArgs extends RunSwitches {
  help: boolean;
  lessonArg: string | undefined;
  duration?: number;
  warmup?: number;
  connections?: number;
  /** `--param name=value`, not yet checked against the lesson. */
  rawParams: Record<string, string>;
}

/** Everything a run needs, resolved against the lesson's defaults. */
export interface RunOptions extends RunSwitches {
  duration: number;
  warmup: number;
  connections: number;
  params: Params;
}

export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string' },
        driver: { type: 'string' },
        'no-flamegraph': { type: 'boolean' },
        json: { type: 'boolean' },
        quick: { type: 'boolean' },
        verbose: { type: 'boolean' },
        clinic: { type: 'string' },
        'locust-workers': { type: 'string' },
        'locust-user': { type: 'string' },
        param: { type: 'string', multiple: true },
      },
    });
  } catch (error) {
    // parseArgs says e.g. "Unknown option '--frobnicate'"; keep its words, drop its advice.
    const message = (error as Error).message.split('. To specify')[0] ?? String(error);
    throw new HotpathError('E_USAGE', `${message} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new HotpathError('E_USAGE', `Expected one lesson number, got \`${positionals.join(' ')}\``);
  }
  const driver = oneOf('driver', values.driver ?? 'autocannon', DRIVERS);
  if (driver !== 'locust' && (values['locust-workers'] !== undefined || values['locust-user'] !== undefined)) {
    throw new HotpathError('E_USAGE', '`--locust-workers` and `--locust-user` go with `--driver locust`');
  }
  return {
    help: values.help ?? false,
    lessonArg: positionals[0],
    duration: optionalNumber('duration', values.duration, LIMITS.duration, 'seconds'),
    warmup: optionalNumber('warmup', values.warmup, LIMITS.warmup, 'seconds'),
    connections: optionalInteger('connections', values.connections, LIMITS.connections),
    driver,
    locustWorkers: optionalInteger('locust-workers', values['locust-workers'], LIMITS.locustWorkers) ?? 0,
    locustUser: oneOf('locust-user', values['locust-user'] ?? 'fast', LOCUST_USERS),
    flamegraph: !(values['no-flamegraph'] ?? false),
    json: values.json ?? false,
    quick: values.quick ?? false,
    verbose: values.verbose ?? false,
    clinic: values.clinic === undefined ? null : oneOf('clinic', values.clinic, CLINIC_TOOLS),
    rawParams: paramPairs(values.param ?? []),
  };
}

export function resolveRunOptions(args: ParsedArgs, lesson: Lesson): RunOptions {
  let params: Params;
  try {
    params = parseParams(lesson.params, args.rawParams);
  } catch (error) {
    if (error instanceof ParamError) throw new HotpathError('E_USAGE', `${error.message} (lesson ${lesson.id})`);
    throw error;
  }
  return {
    duration: args.duration ?? (args.quick ? QUICK.duration : lesson.load.duration),
    warmup: args.warmup ?? (args.quick ? QUICK.warmup : lesson.load.warmup),
    connections: args.connections ?? lesson.load.connections,
    driver: args.driver,
    flamegraph: args.flamegraph && args.clinic === null,
    json: args.json,
    quick: args.quick,
    verbose: args.verbose,
    clinic: args.clinic,
    locustWorkers: args.locustWorkers,
    locustUser: args.locustUser,
    params,
  };
}

/** The driver in words, e.g. `locust (FastHttpUser, 2 workers)`. */
export function describeDriver(options: Pick<RunOptions, 'driver' | 'locustWorkers' | 'locustUser'>): string {
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

function paramPairs(flags: readonly string[]): Record<string, string> {
  try {
    return parseParamPairs(flags);
  } catch (error) {
    if (error instanceof ParamError) throw new HotpathError('E_USAGE', error.message);
    throw error;
  }
}

function optionalNumber(
  name: string,
  text: string | undefined,
  [min, max]: readonly [number, number],
  unit: string,
): number | undefined {
  if (text === undefined) return undefined;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new HotpathError('E_USAGE', `Expected \`--${name}\` to be a number of ${unit} from ${min} to ${max}, got \`${text}\``);
  }
  return value;
}

function optionalInteger(name: string, text: string | undefined, [min, max]: readonly [number, number]): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new HotpathError('E_USAGE', `Expected \`--${name}\` to be an integer from ${min} to ${max}, got \`${text}\``);
  }
  return value;
}

function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new HotpathError('E_USAGE', `Expected \`--${name}\` to be one of ${allowed.join(', ')}, got \`${text}\``);
}
