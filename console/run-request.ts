// A run asked for by the browser, turned into the CLI's own flags and validated by the same
// table: a bad parameter gets the message the terminal would print. Nothing here reaches a shell;
// the flags are parsed in this process.
import { HotpathError } from '../core/errors.js';

/** `POST /api/runs`: which lesson, its parameters, and the run's options. */
export interface RunRequest {
  lesson: number;
  params?: Record<string, string | number>;
  options?: RunRequestOptions;
}

export interface RunRequestOptions {
  quick?: boolean;
  rounds?: number;
  duration?: number;
  warmup?: number;
  connections?: number;
  driver?: string;
  profile?: string;
}

const NUMBER_OPTIONS = ['rounds', 'duration', 'warmup', 'connections'] as const;
const TEXT_OPTIONS = ['driver', 'profile'] as const;

function usage(message: string): HotpathError {
  return new HotpathError('E_USAGE', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The CLI arguments a run request stands for, e.g. `['2', '--param', 'dbMs=50', '--quick']`. */
export function runRequestArgv(body: unknown): string[] {
  if (!isRecord(body)) throw usage('Expected a JSON object: { "lesson": <n>, "params": {…}, "options": {…} }');
  const unknown = Object.keys(body).find((key) => !['lesson', 'params', 'options'].includes(key));
  if (unknown) throw usage(`Unknown field \`${unknown}\` (a run takes lesson, params and options)`);
  if (typeof body.lesson !== 'number' || !Number.isInteger(body.lesson)) throw usage('Expected `lesson` to be a lesson number');
  const argv = [String(body.lesson)];
  if (body.params !== undefined) {
    if (!isRecord(body.params)) throw usage('Expected `params` to be an object of name: value');
    for (const [name, value] of Object.entries(body.params)) {
      if (typeof value !== 'number' && typeof value !== 'string') throw usage(`Expected the parameter \`${name}\` to be a number`);
      argv.push('--param', `${name}=${value}`);
    }
  }
  if (body.options !== undefined) {
    if (!isRecord(body.options)) throw usage('Expected `options` to be an object');
    for (const [name, value] of Object.entries(body.options)) {
      if (name === 'quick') {
        if (typeof value !== 'boolean') throw usage('Expected `quick` to be true or false');
        if (value) argv.push('--quick');
      } else if ((NUMBER_OPTIONS as readonly string[]).includes(name)) {
        if (typeof value !== 'number') throw usage(`Expected \`--${name}\` to be a number`);
        argv.push(`--${name}`, String(value));
      } else if ((TEXT_OPTIONS as readonly string[]).includes(name)) {
        if (typeof value !== 'string') throw usage(`Expected \`--${name}\` to be a name`);
        argv.push(`--${name}`, value);
      } else {
        throw usage(`Unknown option \`${name}\` (a run takes ${['quick', ...NUMBER_OPTIONS, ...TEXT_OPTIONS].join(', ')})`);
      }
    }
  }
  return argv;
}
