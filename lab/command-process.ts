// One run of a whole-process lesson's command, timed as hyperfine times it: from spawn to exit.
// Its stderr goes to the run folder's log; its last stdout line is its summary (counters, memory).
import { spawn } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import type { CommandRunSummary } from '../core/command-lesson.js';
import { HotpathError } from '../core/errors.js';
import { CODEGEN_SUMMARY_PREFIX } from '../core/ready-line.js';

export interface TimedRun {
  wallMs: number;
  summary: CommandRunSummary;
}

/**
 * @param label names the run in errors, e.g. `baseline`
 * @param logFile where its stderr is appended
 */
export async function runTimed(args: readonly string[], label: string, logFile: string, signal?: AbortSignal, env: Readonly<Record<string, string>> = {}): Promise<TimedRun> {
  signal?.throwIfAborted();
  const childEnv = { ...process.env, ...env };
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: childEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Ctrl+C: the run is cut short, and nothing of it is kept.
  const abort = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const [code, wallMs] = await new Promise<[number | null, number]>((resolve, reject) => {
      let exitedAt: bigint | null = null;
      child.once('exit', () => (exitedAt = process.hrtime.bigint()));
      child.once('error', reject);
      child.once('close', (exitCode) => resolve([exitCode, Number((exitedAt ?? process.hrtime.bigint()) - started) / 1e6]));
    });
    if (stderr) await appendFile(logFile, `--- ${label}\n${stderr}`).catch(() => {});
    signal?.throwIfAborted();
    const line = stdout.split('\n').find((l) => l.startsWith(`${CODEGEN_SUMMARY_PREFIX} `));
    if (code !== 0 || !line) {
      const why = stderr.trim().split('\n').slice(-3).join(' / ') || `exit code ${code}, no summary line`;
      throw new HotpathError('E_SERVER', `the ${label} run failed: ${why}`);
    }
    return { wallMs, summary: JSON.parse(line.slice(CODEGEN_SUMMARY_PREFIX.length + 1)) as CommandRunSummary };
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}
