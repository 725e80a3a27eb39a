// Starts one lesson server in its own process group (plain, under 0x, with --cpu-prof, or under
// a clinic tool), waits for its ready line, and stops it: SIGINT to the server itself, then
// SIGKILL to the whole group after a grace period. Every live server is tracked so that Ctrl+C
// of the runner stops them all.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { TIMING } from '../core/defaults.js';
import { HotpathError } from '../core/errors.js';
import { OutputLines } from '../core/output-lines.js';
import { hotpathHome, projectRoot, safeFileName, serverMain } from '../core/paths.js';
import { runnerIdentityEnv } from '../core/proc-stat.js';
import { parseReadyLine } from '../core/ready-line.js';
import type { ClinicTool } from '../core/run-options.js';

const require = createRequire(import.meta.url);

export type ProfilerName = '0x' | 'cpu-prof';

export interface StartServerOptions {
  /** The lab process to run: its script and flags (see lessonServerArgs), e.g. the upstream's. */
  args: readonly string[];
  /** Names the log file and the profile folder, e.g. `held-mutex` or `sleep@10`. */
  label: string;
  /**
   * The run folder: logs, profiles and reports go below it. Null (serve mode): no log file and no
   * profiler; the server's stderr goes to the runner's.
   */
  runDir: string | null;
  profiler: ProfilerName | null;
  clinic: ClinicTool | null;
  /** Mirror the server's output to stderr (`--verbose`). */
  verbose: boolean;
  /** Extra environment, e.g. `HOTPATH_METRICS=off` for the bench. */
  env?: Readonly<Record<string, string>>;
  /** Flags for node itself, before the script (a plain or --cpu-prof server only). */
  nodeFlags?: readonly string[];
}

export interface StopOutcome {
  /** 0x's flamegraph.html, when profiled with 0x and it succeeded. */
  flamegraphHtml: string | null;
  /** Node's .cpuprofile, when profiled with --cpu-prof. */
  cpuProfile: string | null;
  /** A clinic tool's HTML report. */
  clinicReport: string | null;
}

export interface ServerHandle {
  label: string;
  /** The server's own pid (under 0x or clinic, not the launcher's). */
  pid: number;
  port: number;
  profiler: ProfilerName | null;
  logFile: string | null;
  /** Settles with the exit code when the process (and its launcher) has exited, for whatever reason. */
  exited: Promise<number | null>;
  /** @param graceMs how long to wait before SIGKILL; defaults to what the profiler needs. */
  stop(graceMs?: number): Promise<StopOutcome>;
}

const live = new Set<ServerHandle>();

/**
 * A lesson server's script and flags, on `port` (0: any free one). `extra`: `--site-dir`,
 * `--upstream`, `--param name=value` (site lessons).
 */
export function lessonServerArgs(lessonId: number, variant: string, extra: readonly string[] = [], port = 0): string[] {
  return [serverMain, '--lesson', String(lessonId), '--variant', variant, '--port', String(port), ...extra];
}

export async function startServer(options: StartServerOptions): Promise<ServerHandle> {
  const { runDir } = options;
  if (runDir === null && (options.profiler || options.clinic)) throw new Error('a profiled server needs a run folder');
  const outputDir = path.join(runDir ?? hotpathHome(), safeFileName(options.label));
  if (options.profiler || options.clinic) await mkdir(outputDir, { recursive: true });
  const logFile = runDir === null ? null : path.join(runDir, `server-${safeFileName(options.label)}.log`);
  // A log that cannot be written must not crash the run.
  const log = logFile === null ? null : createWriteStream(logFile, { flags: 'a' }).on('error', () => {});

  const command = launchCommand(options, [...options.args], outputDir);
  const child = spawn(process.execPath, command, {
    cwd: runDir ?? projectRoot, // not outputDir: 0x moves its logs from the working dir into the output dir
    detached: true, // its own process group: Ctrl+C on the terminal reaches the runner only
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...options.env,
      ...runnerIdentityEnv(), // the server watches this runner, and exits when it is gone
      NO_INSIGHT: '1', // clinic otherwise waits for an answer to its usage-statistics prompt
    },
  });
  // 'close', not 'exit': the last lines of output (0x's own errors) are in the log by then.
  // 'error': the process could not be spawned (or signalled); 'close' may never follow it.
  let spawnError: Error | null = null;
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => resolve(code));
    child.once('error', (error) => {
      spawnError = error;
      if (child.pid === undefined) resolve(null);
    });
  });
  // Serve mode has no log file: the server's stderr is the person's to read.
  child.stderr?.on('data', (chunk: Buffer) => mirror(log, chunk, options.verbose || log === null));
  const where = logFile ? `see ${logFile}` : 'its output is above';

  let ready: { port: number; pid: number };
  try {
    ready = await waitForReady(child, exited, () => spawnError, log, options, where);
  } catch (error) {
    killGroup(child, 'SIGKILL');
    await exited;
    await endLog(log);
    throw error;
  }

  const kind = options.clinic ? 'clinic' : (options.profiler ?? 'plain');
  const handle: ServerHandle = {
    label: options.label,
    pid: ready.pid,
    port: ready.port,
    profiler: options.clinic ? null : options.profiler,
    logFile,
    exited,
    stop(graceMs = TIMING.serverStopGraceMs[kind]) {
      if (stopping) {
        // Stopped already (e.g. a second Ctrl+C while 0x writes): a shorter grace cuts it short.
        setTimeout(escalate, graceMs).unref();
        return stopping;
      }
      signal(ready.pid, 'SIGINT');
      setTimeout(escalate, graceMs).unref();
      stopping = (async () => {
        await Promise.race([exited, escalated]);
        // Sweep the group either way: 0x and clinic may leave helpers behind.
        killGroup(child, 'SIGKILL');
        await exited;
        await endLog(log);
        return collectOutputs(outputDir, options);
      })().finally(() => live.delete(handle)); // tracked until gone, so Ctrl+C can still reach it
      return stopping;
    },
  };
  let stopping: Promise<StopOutcome> | null = null;
  let escalate: () => void = () => {};
  const escalated = new Promise<void>((resolve) => (escalate = resolve));
  live.add(handle);
  return handle;
}

/** Stops every live server at once (Ctrl+C): a short grace, then SIGKILL. */
export async function stopAllServers(graceMs: number = TIMING.abortGraceMs): Promise<void> {
  await Promise.all([...live].map((handle) => handle.stop(graceMs)));
}

function launchCommand(options: StartServerOptions, serverArgs: string[], outputDir: string): string[] {
  if (options.clinic) {
    return [require.resolve('clinic/bin.js'), options.clinic, '--dest', outputDir, '--', process.execPath, ...serverArgs];
  }
  if (options.profiler === '0x') {
    return [require.resolve('0x/cmd.js'), '--output-dir', outputDir, '--', process.execPath, ...serverArgs];
  }
  const nodeFlags = options.nodeFlags ?? [];
  if (options.profiler === 'cpu-prof') {
    return [...nodeFlags, '--cpu-prof', '--cpu-prof-dir', outputDir, ...serverArgs];
  }
  return [...nodeFlags, ...serverArgs];
}

function waitForReady(
  child: ChildProcess,
  exited: Promise<number | null>,
  spawnError: () => Error | null,
  log: WriteStream | null,
  options: StartServerOptions,
  where: string,
): Promise<{ port: number; pid: number }> {
  const timeoutMs = options.profiler || options.clinic ? TIMING.serverReadyMs.profiled : TIMING.serverReadyMs.plain;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(
      () => settle(() => reject(new HotpathError('E_SERVER', `server ${options.label} printed no ready line within ${timeoutMs / 1000} s; ${where}`))),
      timeoutMs,
    );
    const lines = new OutputLines();
    const take = (line: string): void => {
      mirror(log, `${line}\n`, options.verbose);
      const ready = parseReadyLine(line);
      if (ready) settle(() => resolve(ready));
    };
    child.stdout?.on('data', (chunk: Buffer) => lines.push(chunk).forEach(take));
    child.stdout?.on('end', () => lines.flush().forEach(take)); // a last line without its newline
    void exited.then((code) => {
      const failed = spawnError();
      const why = failed ? `could not be started (${failed.message}, working folder ${options.runDir ?? projectRoot})` : `exited (code ${code}) before it was ready; ${where}`;
      settle(() => reject(new HotpathError('E_SERVER', `server ${options.label} ${why}`)));
    });
  });
}

async function collectOutputs(outputDir: string, options: StartServerOptions): Promise<StopOutcome> {
  const files = await readdir(outputDir).catch(() => [] as string[]);
  const outcome: StopOutcome = { flamegraphHtml: null, cpuProfile: null, clinicReport: null };
  if (options.clinic) {
    const html = files.find((file) => file.endsWith('.html'));
    outcome.clinicReport = html ? path.join(outputDir, html) : null;
  } else if (options.profiler === '0x') {
    if (files.includes('flamegraph.html')) outcome.flamegraphHtml = path.join(outputDir, 'flamegraph.html');
    // 0x leaves ~17 MB of V8 logs and its meta.json beside the graph; the graph holds all a learner needs.
    await Promise.all(files.filter((file) => file !== 'flamegraph.html').map((file) => rm(path.join(outputDir, file), { force: true })));
  } else if (options.profiler === 'cpu-prof') {
    const profile = files.find((file) => file.endsWith('.cpuprofile'));
    outcome.cpuProfile = profile ? path.join(outputDir, profile) : null;
  }
  return outcome;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function killGroup(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.pid !== undefined) signal(-child.pid, name);
}

function mirror(log: WriteStream | null, chunk: Buffer | string, toStderr: boolean): void {
  log?.write(chunk);
  if (toStderr) process.stderr.write(chunk);
}

function endLog(log: WriteStream | null): Promise<void> {
  return new Promise((resolve) => (log ? log.end(resolve) : resolve()));
}
