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
import { LOCUST, TIMING } from '../core/defaults.js';
import { HotpathError, throwIfAborted } from '../core/errors.js';
import { assertLoopbackTarget } from '../core/loopback.js';
import { OutputLines } from '../core/output-lines.js';
import { DRIVER_TEMP_PREFIX, projectRoot } from '../core/paths.js';
import { listensOn, runnerIdentityEnv } from '../core/proc-stat.js';
import { type LoadDriver, type LoadOptions, type LoadResult } from './load-driver.js';
import { currentRpsFromHistory, locustCsvToResult, parseLocustHistory } from './locust-csv-to-result.js';
import { findLocust } from './locust-install.js';
import { CpuSampler } from './process-cpu.js';

export type LocustUserModel = 'fast' | 'story';

export interface LocustDriverOptions {
  /** The lesson's locustfile, e.g. `lesson_02_held_lock.py` under loadtests/locustfiles/. */
  locustfile: string;
  /** 0: one standalone Locust process; N: a master and N workers (Locust's distributed mode). */
  workers: number;
  userModel: LocustUserModel;
  /** Picks the distributed master's port (tests pass one that is taken); default: a free one. */
  pickPort?: () => Promise<number>;
}

export const LOCUSTFILES_DIR = path.join(projectRoot, 'loadtests', 'locustfiles');
export const LAUNCHER = path.join(projectRoot, 'loadtests', 'locust-launcher.py');
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
  // Locust's run time starts with spawning; --reset-stats drops what it counted until every user
  // is spawned: the ramp, at least LOCUST.spawnSec. Its run time is whole seconds: rounded up, so
  // a short round still measures its share.
  const rampSec = options.rampSec ? Math.max(options.rampSec, LOCUST.spawnSec) : 0;
  const runTimeSec = Math.max(1, Math.ceil(rampSec + options.durationSec));
  const common = ['-f', path.join(LOCUSTFILES_DIR, config.locustfile), '--loglevel', 'WARNING'];
  const headless = ['--headless', '-u', users, '-r', users, '-t', `${runTimeSec}s`, '--host', `http://${target.host}`,
    '--csv', path.join(dir, 'run'), '--only-summary', '--stop-timeout', String(LOCUST.stopTimeoutSec),
    ...(options.rampSec ? ['--reset-stats'] : [])];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOTPATH_PATH: `${target.pathname}${target.search}`,
    HOTPATH_USER: config.userModel,
    HOTPATH_TIMEOUT_SEC: String(options.timeoutSec),
    ...runnerIdentityEnv(),
    HOTPATH_PARENT_POLL_SEC: String(TIMING.parentPollMs / 1000),
    HOTPATH_CSV_FLUSH_SEC: String(LOCUST.csvFlushSec),
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
  const attempt = (masterPort: number | null): Promise<LoadResult> => runLocustProcesses({ config, options, common, headless, dir, runTimeSec, masterPort, start });
  try {
    if (config.workers === 0) return await attempt(null);
    // The master's port is picked free, then bound by Locust: another process may take it in
    // between. Locust then exits at once saying so, and another port is tried.
    for (let tries = 1; ; tries += 1) {
      try {
        return await attempt(await (config.pickPort ?? freePort)());
      } catch (error) {
        if (!(error instanceof MasterPortBusy) || tries >= LOCUST.masterPortTries) throw error;
      }
    }
  } finally {
    await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));
    await rm(dir, { recursive: true, force: true });
  }
}

/** Locust's master could not bind the port it was given. */
class MasterPortBusy extends HotpathError {}

const MASTER_PORT_BUSY = /master port \(.*\) was busy|Address already in use/;

interface LocustRun {
  config: LocustDriverOptions;
  options: LoadOptions;
  common: string[];
  headless: string[];
  dir: string;
  runTimeSec: number;
  /** The distributed master's port; null for one standalone process. */
  masterPort: number | null;
  start: (args: string[]) => LocustProcess;
}

/** One go at the load: starts the processes, follows the run, reads the CSV, stops everything. */
async function runLocustProcesses({ config, options, common, headless, dir, runTimeSec, masterPort, start }: LocustRun): Promise<LoadResult> {
  let master: LocustProcess;
  const workers: LocustProcess[] = [];
  if (masterPort !== null) {
    master = start([...common, ...headless, '--master', '--master-bind-host', '127.0.0.1', '--master-bind-port', String(masterPort),
      '--expect-workers', String(config.workers), '--expect-workers-max-wait', String(LOCUST.expectWorkersMaxWaitSec)]);
    // Workers connect only once this master holds the port: had another process taken it (another
    // runner's master, say), they would join that one and load its measurement.
    await masterListening(master, masterPort, options.signal);
    for (let i = 0; i < config.workers && !master.exited; i += 1) {
      workers.push(start([...common, ...(options.rampSec ? ['--reset-stats'] : []), '--worker', '--master-host', '127.0.0.1', '--master-port', String(masterPort)]));
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
    const deadline = Date.now() + (runTimeSec + LOCUST.startupAllowanceSec) * 1000;
    let loadStartedAt: number | null = null;
    let windowStart: Promise<void> | null = null;
    let windowError: unknown = null;
    let progressAt = 0;
    while (!master.exited) {
      if (Date.now() > deadline) {
        throw new HotpathError('E_LOAD', `Locust did not finish within ${runTimeSec + LOCUST.startupAllowanceSec} s${options.logFile ? `; see ${options.logFile}` : ''}`);
      }
      // Polled more often than progress is shown: the CPU sampler needs two reads at least
      // GENERATOR.minCpuWindowMs apart, and a --quick round lasts one second.
      await Promise.race([master.exit, sleep(LOCUST.pollMs)]);
      const history = readHistory(await readFile(path.join(dir, 'run_stats_history.csv'), 'utf8').catch(() => ''));
      const latest = history.at(-1);
      if (latest && latest.users > 0) {
        loadStartedAt ??= latest.timestamp;
        // Every user spawned: Locust resets its stats here, and the measured window opens.
        if (latest.users >= options.connections) {
          // Handled at once (see the autocannon driver): a failed read stops Locust and fails the run.
          windowStart ??= (options.onWindowStart?.() ?? Promise.resolve()).catch((error: unknown) => {
            windowError = error;
            stopAll();
          });
        }
        sampler.sample(all.map((p) => p.pid));
        if (Date.now() - progressAt >= TIMING.progressTickMs) {
          progressAt = Date.now();
          options.onProgress?.({ elapsedSec: latest.timestamp - loadStartedAt, currentRps: currentRpsFromHistory(history) ?? 0 });
        }
      }
    }
    await windowStart;
    if (windowError) throw windowError;
    const statsCsv = await readFile(path.join(dir, 'run_stats.csv'), 'utf8').catch(() => null);
    if (statsCsv === null) {
      throwIfAborted(options.signal);
      const why = `Locust exited (code ${master.code}) without writing its stats: ${master.stderrTail() || 'no output'}`;
      if (masterPort !== null && MASTER_PORT_BUSY.test(master.stderrTail(Infinity))) throw new MasterPortBusy('E_LOAD', why);
      throw new HotpathError('E_LOAD', why);
    }
    return locustCsvToResult({
      statsCsv,
      failuresCsv: await readFile(path.join(dir, 'run_failures.csv'), 'utf8').catch(() => 'Method,Name,Error,Occurrences\n'),
      durationSec: options.durationSec,
      generatorCpuPct: sampler.busiestPct(),
      generatorWarnings: [...new Set(all.flatMap((p) => p.warnings()))],
    });
  } finally {
    options.signal?.removeEventListener('abort', stopAll);
    // Workers wait a minute for a master that is gone: end them (and anything left) now.
    stopAll();
    await Promise.all(all.map((p) => p.waitOrKill(LOCUST.stopGraceMs)));
  }
}

interface LocustProcess {
  pid: number;
  exit: Promise<void>;
  readonly exited: boolean;
  readonly code: number | null;
  /** Locust's own high-CPU warnings, each once. */
  warnings(): string[];
  /** The last `lines` lines of its stderr (kept in bounded memory), for an error message. */
  stderrTail(lines?: number): string;
  signalGroup(signal: NodeJS.Signals): void;
  waitOrKill(graceMs: number): Promise<void>;
}

function startLocustProcess(python: string[], args: string[], env: NodeJS.ProcessEnv, cwd: string, log: WriteStream | null, verbose: boolean): LocustProcess {
  const [interpreter, ...interpreterArgs] = python as [string, ...string[]];
  const child: ChildProcess = spawn(interpreter, [...interpreterArgs, ...args], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = new OutputLines();
  const warnings = new Set<string>();
  let exited = false;
  let code: number | null = null;
  const mirror = (chunk: Buffer): void => {
    log?.write(chunk);
    if (verbose) process.stderr.write(chunk);
  };
  child.stdout?.on('data', mirror);
  const scan = (line: string): void => {
    for (const warning of line.match(HIGH_CPU_WARNING) ?? []) warnings.add(warning);
  };
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk).forEach(scan);
    mirror(chunk);
  });
  child.stderr?.on('end', () => stderr.flush().forEach(scan));
  const exit = new Promise<void>((resolve) => {
    child.once('close', (exitCode) => {
      exited = true;
      code = exitCode;
      resolve();
    });
    child.once('error', (error) => {
      stderr.push(`${String(error)}\n`);
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
    warnings: () => [...warnings],
    stderrTail: (lines = 3) => stderr.tail().trim().split('\n').slice(-lines).join(' | '),
    signalGroup,
    async waitOrKill(graceMs) {
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
      signalGroup('SIGKILL'); // helpers Locust may have left in its group
    },
  };
}

/** Waits until the master listens on its port, exits, or the run is aborted (bounded). */
async function masterListening(master: LocustProcess, port: number, signal: AbortSignal | undefined): Promise<void> {
  const deadline = Date.now() + LOCUST.startupAllowanceSec * 1000;
  while (!master.exited && !signal?.aborted && Date.now() < deadline) {
    const listening = listensOn(master.pid, port);
    if (listening !== false) return; // listening, or no /proc to tell: go ahead
    await Promise.race([master.exit, sleep(LOCUST.masterPollMs)]);
  }
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
