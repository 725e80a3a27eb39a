// `--hyperfine`: the same commands timed by hyperfine (Debian's package), as the story timed
// `cargo px check`, so the learner can see our table is what the usual tool would say. hyperfine
// runs each command's runs back to back (not interleaved), after its own warm-ups.
import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandLesson, CommandRunOptions } from '../core/command-lesson.js';
import { HotpathError } from '../core/errors.js';
import type { StepRecord } from './command-record.js';
import type { RunIo } from './measure-point.js';

export const HYPERFINE_INSTALL = 'apt-get install -y hyperfine';

/** hyperfine's path, or a usage error that says how to install it. */
export function findHyperfine(): string {
  const found = spawnSync('/bin/sh', ['-c', 'command -v hyperfine'], { encoding: 'utf8' });
  const file = found.stdout.trim();
  if (found.status !== 0 || file === '') throw new HotpathError('E_TOOL_MISSING', `\`--hyperfine\` needs hyperfine on PATH: ${HYPERFINE_INSTALL} (Debian, Ubuntu)`);
  return file;
}

interface HyperfineJson {
  results: Array<{ command: string; mean: number; stddev: number; median: number; min: number; max: number; times: number[] }>;
}

export interface HyperfineContext {
  inputsDir: string;
  upstreamUrl: string;
  workRoot: string;
  runDir: string;
  traceDir: string;
  options: CommandRunOptions;
  io: RunIo;
}

/** Times every step with hyperfine; its figures by step name, in ms. */
export async function crossCheckWithHyperfine(hyperfine: string, lesson: CommandLesson, steps: readonly string[], context: HyperfineContext): Promise<Map<string, NonNullable<StepRecord['hyperfine']>>> {
  const t = context.io.terminal;
  const commands = steps.map((step) => {
    const args = [process.execPath, lesson.command.main, ...lesson.command.args({
      step, inputsDir: context.inputsDir, workDir: path.join(context.workRoot, step), upstreamUrl: context.upstreamUrl,
      traceFile: path.join(context.workRoot, `${step}.hyperfine.trace.json`),
    })];
    // `-N` runs a command without a shell, split on spaces: a path with one would be cut in two.
    const spaced = args.find((arg) => /[\s'"\\]/.test(arg));
    if (spaced) throw new HotpathError('E_USAGE', `hyperfine cannot run a command with a space or quote in a path (${spaced}); move the project or HOTPATH_HOME`);
    return args.join(' ');
  });
  const exportFile = path.join(context.runDir, 'hyperfine.json');
  const runs = Math.max(2, context.options.rounds);
  t.line(t.paint('dim', `· hyperfine: ${steps.length} commands, --warmup ${context.options.warmup} --runs ${runs}, each step's runs back to back…`));
  const args = ['-N', '--warmup', String(context.options.warmup), '--runs', String(runs), '--style', 'none', '--export-json', exportFile, ...commands];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(hyperfine, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const abort = (): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
    };
    context.io.signal?.addEventListener('abort', abort, { once: true });
    child.once('error', reject);
    child.once('close', (code) => {
      context.io.signal?.removeEventListener('abort', abort);
      if (context.io.signal?.aborted) reject(new Error('interrupted'));
      else if (code !== 0) reject(new HotpathError('E_LOAD', `hyperfine failed (exit ${code}): ${stderr.trim().split('\n').slice(-2).join(' / ')}`));
      else resolve();
    });
  });
  const json = JSON.parse(await readFile(exportFile, 'utf8')) as HyperfineJson;
  const ms = (s: number): number => Math.round(s * 10_000) / 10;
  const found = new Map<string, NonNullable<StepRecord['hyperfine']>>();
  json.results.forEach((result, i) => {
    found.set(steps[i]!, { mean: ms(result.mean), stdev: ms(result.stddev), median: ms(result.median), min: ms(result.min), max: ms(result.max), runs: result.times.length });
  });
  return found;
}
