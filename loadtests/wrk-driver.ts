// wrk as a load driver: spawned through child_process (argv, no shell) with the project's Lua
// script (loadtests/wrk/hotpath.lua), which counts only the measured window and prints its result
// as JSON. wrk is C on one event loop: it reads hundreds of MB/s on a core where autocannon reads
// about 60, so byte-heavy lessons measure the server with it. Its process group is gone when
// run() settles.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TIMING, WRK } from '../core/defaults.js';
import { HotpathError, throwIfAborted } from '../core/errors.js';
import { assertLoopbackTarget } from '../core/loopback.js';
import { OutputLines } from '../core/output-lines.js';
import { DRIVER_TEMP_PREFIX, projectRoot } from '../core/paths.js';
import type { LoadDriver, LoadOptions, LoadRequest, LoadResult } from './load-driver.js';
import { CpuSampler } from './process-cpu.js';
import { findWrk } from './wrk-install.js';
import { parseWrkReport, wrkReportToResult } from './wrk-result.js';

export const WRK_SCRIPT = path.join(projectRoot, 'loadtests', 'wrk', 'hotpath.lua');
const WINDOW_LINE = /^HOTPATH_WRK_WINDOW (\S+) (\S+)$/;
const TICK_LINE = /^HOTPATH_WRK_TICK (\d+) (\d+) /;

export const wrkDriver: LoadDriver = {
  name: 'wrk',
  async check() {
    findWrk();
  },
  run: runWrk,
};

/**
 * The requests file the script reads: one request a line, `path` then `<TAB>Name: value` per
 * header. A tab or line break inside a path or header would change its meaning: refused.
 */
export function requestsFileText(requests: readonly LoadRequest[]): string {
  const field = (text: string, what: string): string => {
    if (/[\t\r\n]/.test(text)) throw new HotpathError('E_USAGE', `wrk cannot send a ${what} with a tab or line break: ${JSON.stringify(text)}`);
    return text;
  };
  return requests.map((r) => [field(r.path, 'path'), ...Object.entries(r.headers ?? {}).map(([name, value]) => `${field(name, 'header name')}: ${field(value, 'header value')}`)].join('\t')).join('\n') + '\n';
}

async function runWrk(options: LoadOptions): Promise<LoadResult> {
  const target = assertLoopbackTarget(options.url);
  const executable = findWrk();
  throwIfAborted(options.signal);
  const requests = options.requests ?? [{ path: `${target.pathname}${target.search}` }];
  const fileText = requestsFileText(requests);
  const dir = await mkdtemp(options.workDir ? path.join(options.workDir, `${DRIVER_TEMP_PREFIX}wrk-`) : path.join(os.tmpdir(), 'hotpath-wrk-'));
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }).on('error', () => {}) : null;
  try {
    const requestsFile = path.join(dir, 'requests.txt');
    await writeFile(requestsFile, fileText);
    return await runWrkProcess(executable, options, target, requestsFile, log);
  } finally {
    await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));
    await rm(dir, { recursive: true, force: true });
  }
}

async function runWrkProcess(
  executable: string,
  options: LoadOptions,
  target: URL,
  requestsFile: string,
  log: NodeJS.WritableStream | null,
): Promise<LoadResult> {
  const rampSec = options.rampSec ?? 0;
  // wrk's -d is whole seconds: a backstop only (it counts from after the script fixed the window).
  // The window's end is the script's, and SIGINT stops wrk right after it.
  const backstopSec = Math.ceil(rampSec + options.durationSec) + WRK.backstopSlackSec;
  const args = ['-t', String(WRK.threads), '-c', String(options.connections), '-d', `${backstopSec}s`,
    '--timeout', `${Math.max(1, Math.ceil(options.timeoutSec))}s`, '-s', WRK_SCRIPT, `http://${target.host}/`];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOTPATH_WRK_REQUESTS: requestsFile,
    HOTPATH_WRK_RAMP_MS: String(Math.round(rampSec * 1000)),
    HOTPATH_WRK_DURATION_MS: String(Math.round(options.durationSec * 1000)),
    HOTPATH_WRK_ACCEPT_REDIRECTS: options.acceptRedirects ? '1' : '0',
    HOTPATH_WRK_TIMEOUT_MS: String(Math.round(options.timeoutSec * 1000)),
  };
  const spawnedAt = Date.now();
  const child = spawn(executable, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout = new OutputLines();
  const stderr = new OutputLines();
  const sampler = new CpuSampler();
  const pid = child.pid ?? -1;
  const okByThread = new Map<number, number>();
  // Set from a stream callback: typed by hand so the compiler does not narrow it to null.
  let window = null as { opensAt: number; closesAt: number } | null;
  let windowOpened = false;
  let stoppedAt: number | null = null;
  let windowStart: Promise<void> | null = null;
  let windowError: unknown = null;
  const timers: NodeJS.Timeout[] = [];

  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  // SIGINT sets wrk's stop flag; its threads end at their next 100 ms tick. The main thread sleeps
  // out its -d unless the signal lands on it, which the kernel may not choose while the other
  // threads run: so SIGINT is repeated until wrk exits (once they are gone, the main thread gets
  // it). wrk also ignores SIGINT until its threads are up. SIGTERM follows after a grace.
  const stop = (): void => {
    if (stoppedAt !== null) return;
    stoppedAt = Date.now();
    signalGroup('SIGINT');
    const again = setInterval(() => signalGroup('SIGINT'), WRK.signalEveryMs);
    timers.push(again as unknown as NodeJS.Timeout);
    timers.push(setTimeout(() => signalGroup('SIGTERM'), WRK.stopGraceMs));
  };
  const mirror = (chunk: Buffer): void => {
    log?.write(chunk);
    if (options.verbose) process.stderr.write(chunk);
  };
  const onStderrLine = (line: string): void => {
    const opened = WINDOW_LINE.exec(line);
    if (opened && window === null) {
      window = { opensAt: Number(opened[1]), closesAt: Number(opened[2]) };
      const { opensAt, closesAt } = window;
      timers.push(setTimeout(() => {
        if (stoppedAt !== null) return;
        windowOpened = true;
        sampler.sample([pid]);
        // Handled at once (as in the autocannon driver): a failed read stops wrk and fails the run.
        windowStart = (options.onWindowStart?.() ?? Promise.resolve()).catch((error: unknown) => {
          windowError = error;
          stop();
        });
      }, Math.max(0, opensAt - Date.now())));
      timers.push(setTimeout(() => {
        sampler.sample([pid]);
        stop();
      }, Math.max(0, closesAt - Date.now()) + WRK.stopAfterWindowMs));
      return;
    }
    const tick = TICK_LINE.exec(line);
    if (tick) okByThread.set(Number(tick[1]), Number(tick[2]));
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    mirror(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr.push(chunk).forEach(onStderrLine);
    mirror(chunk);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => resolve(code));
    child.once('error', (error) => {
      stderr.push(`${String(error)}\n`);
      resolve(null);
    });
  });

  // No window line soon after the spawn: wrk did not get as far as its first thread.
  timers.push(setTimeout(() => {
    if (window === null) stop();
  }, WRK.startupAllowanceSec * 1000));
  // The backstop: wrk that outlives its window and grace is killed.
  const killTimer = setTimeout(() => signalGroup('SIGKILL'), (backstopSec + WRK.stopGraceMs / 1000 + 1) * 1000);
  let lastOk = 0;
  let lastTickAt = Date.now();
  const progress = setInterval(() => {
    const now = Date.now();
    const ok = [...okByThread.values()].reduce((a, b) => a + b, 0);
    options.onProgress?.({ elapsedSec: (now - spawnedAt) / 1000, currentRps: ((ok - lastOk) * 1000) / Math.max(1, now - lastTickAt) });
    lastOk = ok;
    lastTickAt = now;
  }, TIMING.progressTickMs);
  const abort = (): void => stop();
  if (options.signal?.aborted) abort();
  else options.signal?.addEventListener('abort', abort, { once: true });

  let code: number | null;
  try {
    code = await exited;
  } finally {
    clearInterval(progress);
    clearTimeout(killTimer);
    timers.forEach((timer) => clearTimeout(timer)); // clears the intervals among them too
    options.signal?.removeEventListener('abort', abort);
    signalGroup('SIGKILL'); // anything wrk may have left in its group
  }
  await windowStart;
  if (windowError) throw windowError;
  const report = parseWrkReport(stdout.tail());
  if (report === null) {
    throwIfAborted(options.signal);
    const why = stderr.tail().trim().split('\n').filter((l) => !l.startsWith('HOTPATH_WRK_')).slice(-3).join(' | ');
    throw new HotpathError('E_LOAD', `wrk exited (code ${code}) without its result: ${why || 'no output'}${options.logFile ? `; see ${options.logFile}` : ''}`);
  }
  const opened = windowOpened && window !== null;
  const opensAt = window?.opensAt ?? 0;
  const closedAt = Math.min(window?.closesAt ?? 0, stoppedAt ?? Number.POSITIVE_INFINITY);
  return wrkReportToResult(
    report,
    { durationSec: opened ? Math.max(0, closedAt - opensAt) / 1000 : 0, rampSec: opened ? (opensAt - spawnedAt) / 1000 : null },
    { cpuPct: sampler.busiestPct() },
  );
}
