// Locust as a load driver: spawned headless through child_process (argv arrays, no shell),
// standalone or as a master with N workers on 127.0.0.1, its CSV files read into a LoadResult.
// Every Locust process runs in a process group of its own and is gone when run() settles.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HotpathError, throwIfAborted } from '../lab/errors.js';
import { projectRoot } from '../lab/paths.js';
import { DRIVER_TEMP_PREFIX } from '../lab/sweep.js';
import { assertLoopbackTarget, type LoadDriver, type LoadOptions, type LoadResult } from './load-driver.js';
import { findLocust } from './locust-install.js';
import { currentRpsFromHistory, locustCsvToResult, parseLocustHistory } from './locust-csv-to-result.js';
import { CpuSampler } from './process-cpu.js';

export type LocustUserModel = 'fast' | 'story';

export interface LocustDriverOptions {
  /** The lesson's locustfile, e.g. `lesson_02_held_lock.py` under loadtests/locustfiles/. */
  locustfile: string;
  /** 0: one standalone Locust process; N: a master and N workers (Locust's distributed mode). */
  workers: number;
  userModel: LocustUserModel;
}

export const LOCUSTFILES_DIR = path.join(projectRoot, 'loadtests', 'locustfiles');
export const LAUNCHER = path.join(projectRoot, 'loadtests', 'locust-launcher.py');
/** Locust needs a moment to import and, in distributed mode, for its workers to connect. */
const STARTUP_ALLOWANCE_SEC = 45;
const HIGH_CPU_WARNING = /CPU usage above \d+%[^\n]*/g;

export function createLocustDriver(config: LocustDriverOptions): LoadDriver {
  return {
    name: 'locust',
    async check() {
      findLocust();
    },
    run: (options) => runLocust(config, options),
  };
}

async function runLocust(config: LocustDriverOptions, options: LoadOptions): Promise<LoadResult> {
  const target = assertLoopbackTarget(options.url);
  const install = findLocust();
  throwIfAborted(options.signal);
  const dir = await mkdtemp(options.workDir ? path.join(options.workDir, `${DRIVER_TEMP_PREFIX}locust-`) : path.join(os.tmpdir(), 'hotpath-locust-'));
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }).on('error', () => {}) : null;
  const users = String(options.connections);
  const runTimeSec = Math.max(1, Math.round(options.durationSec));
  const common = ['-f', path.join(LOCUSTFILES_DIR, config.locustfile), '--loglevel', 'WARNING'];
  const headless = ['--headless', '-u', users, '-r', users, '-t', `${runTimeSec}s`, '--host', `http://${target.host}`,
    '--csv', path.join(dir, 'run'), '--only-summary', '--stop-timeout', '1'];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOTPATH_PATH: `${target.pathname}${target.search}`,
    HOTPATH_USER: config.userModel,
    HOTPATH_TIMEOUT_SEC: String(options.timeoutSec),
    HOTPATH_PARENT_PID: String(process.pid),
    PYTHONUNBUFFERED: '1',
  };
  if (options.acceptRedirects) env.HOTPATH_ACCEPT_REDIRECTS = '1';
  if (options.requests) {
    // A site lesson's mix: the locustfile cycles through it as autocannon's connections do.
    const requestsFile = path.join(dir, 'requests.json');
    try {
      await writeFile(requestsFile, JSON.stringify(options.requests));
    } catch (error) {
      log?.end();
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    env.HOTPATH_REQUESTS_FILE = requestsFile;
  }
  const start = (args: string[]): LocustProcess => startLocustProcess(install.python, [LAUNCHER, ...args], env, dir, log, options.verbose ?? false);

  let master: LocustProcess;
  const workers: LocustProcess[] = [];
  if (config.workers > 0) {
    const port = await freePort();
    master = start([...common, ...headless, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port),
      '--expect-workers', String(config.workers), '--expect-workers-max-wait', '20']);
    for (let i = 0; i < config.workers; i += 1) {
      workers.push(start([...common, '--worker', '--master-host', '127.0.0.1', '--master-port', String(port)]));
    }
  } else {
    master = start([...common, ...headless]);
  }
  const all = [master, ...workers];
  const stopAll = (): void => all.forEach((p) => p.signalGroup('SIGTERM'));
  // An abort during the awaits above has already fired: stop at once rather than run the full time.
  if (options.signal?.aborted) stopAll();
  else options.signal?.addEventListener('abort', stopAll, { once: true });

  try {
    const sampler = new CpuSampler();
    const deadline = Date.now() + (runTimeSec + STARTUP_ALLOWANCE_SEC) * 1000;
    let loadStartedAt: number | null = null;
    while (!master.exited) {
      if (Date.now() > deadline) {
        throw new HotpathError('E_LOAD', `Locust did not finish within ${runTimeSec + STARTUP_ALLOWANCE_SEC} s${options.logFile ? `; see ${options.logFile}` : ''}`);
      }
      await Promise.race([master.exit, sleep(1000)]);
      const history = readHistory(await readFile(path.join(dir, 'run_stats_history.csv'), 'utf8').catch(() => ''));
      const latest = history.at(-1);
      if (latest && latest.users > 0) {
        loadStartedAt ??= latest.timestamp;
        sampler.sample(all.map((p) => p.pid));
        options.onProgress?.({ elapsedSec: latest.timestamp - loadStartedAt, currentRps: currentRpsFromHistory(history) ?? 0 });
      }
    }
    const statsCsv = await readFile(path.join(dir, 'run_stats.csv'), 'utf8').catch(() => null);
    if (statsCsv === null) {
      throwIfAborted(options.signal);
      throw new HotpathError('E_LOAD', `Locust exited (code ${master.code}) without writing its stats: ${master.stderrTail() || 'no output'}`);
    }
    return locustCsvToResult({
      statsCsv,
      failuresCsv: await readFile(path.join(dir, 'run_failures.csv'), 'utf8').catch(() => 'Method,Name,Error,Occurrences\n'),
      durationSec: options.durationSec,
      generatorCpuPct: sampler.busiestPct(),
      generatorWarnings: [...new Set(all.flatMap((p) => p.stderrText().match(HIGH_CPU_WARNING) ?? []))],
    });
  } finally {
    options.signal?.removeEventListener('abort', stopAll);
    // Workers wait a minute for a master that is gone: end them (and anything left) now.
    stopAll();
    await Promise.all(all.map((p) => p.waitOrKill(3000)));
    await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));
    await rm(dir, { recursive: true, force: true });
  }
}

interface LocustProcess {
  pid: number;
  exit: Promise<void>;
  readonly exited: boolean;
  readonly code: number | null;
  stderrText(): string;
  stderrTail(): string;
  signalGroup(signal: NodeJS.Signals): void;
  waitOrKill(graceMs: number): Promise<void>;
}

function startLocustProcess(python: string[], args: string[], env: NodeJS.ProcessEnv, cwd: string, log: WriteStream | null, verbose: boolean): LocustProcess {
  const [interpreter, ...interpreterArgs] = python as [string, ...string[]];
  const child: ChildProcess = spawn(interpreter, [...interpreterArgs, ...args], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let exited = false;
  let code: number | null = null;
  const mirror = (chunk: Buffer): void => {
    log?.write(chunk);
    if (verbose) process.stderr.write(chunk);
  };
  child.stdout?.on('data', mirror);
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    mirror(chunk);
  });
  const exit = new Promise<void>((resolve) => {
    child.once('close', (exitCode) => {
      exited = true;
      code = exitCode;
      resolve();
    });
    child.once('error', (error) => {
      stderr += String(error);
      exited = true;
      resolve();
    });
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  return {
    pid: child.pid ?? -1,
    exit,
    get exited() {
      return exited;
    },
    get code() {
      return code;
    },
    stderrText: () => stderr,
    stderrTail: () => stderr.trim().split('\n').slice(-3).join(' | '),
    signalGroup,
    async waitOrKill(graceMs) {
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
      signalGroup('SIGKILL'); // helpers Locust may have left in its group
    },
  };
}

/** The history file can be read mid-write; a torn last line just means no update this second. */
function readHistory(csv: string): ReturnType<typeof parseLocustHistory> {
  try {
    return parseLocustHistory(csv);
  } catch {
    return [];
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
