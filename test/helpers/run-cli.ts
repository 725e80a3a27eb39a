// Runs the real CLI (compiled: `npm test` builds first) in a child process with its own
// HOTPATH_HOME, and reads back what it said about the servers it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../core/paths.js';
import { isAlive } from '../../core/proc-stat.js';

export const cliPath = path.join(projectRoot, 'dist', 'lab', 'cli.js');

export interface CliRun {
  child: ChildProcess;
  home: string;
  stdout: string;
  stderr: string;
  done: Promise<number | null>;
}

const homes: string[] = [];

/** Removes every HOTPATH_HOME the tests made (call from afterAll). */
export function removeTestHomes(): void {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const home = mkdtempSync(path.join(os.tmpdir(), 'hotpath-test-'));
  homes.push(home);
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: { ...process.env, HOTPATH_HOME: home, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: CliRun = { child, home, stdout: '', stderr: '', done: Promise.resolve(null) };
  child.stdout!.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  run.done = new Promise((resolve) => child.once('close', (code) => resolve(code)));
  return run;
}

export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun & { code: number | null }> {
  const run = startCli(args, env);
  const code = await run.done;
  return { ...run, code };
}

/** The `server <label> pid=<n> port=<n>` lines the runner printed on stderr. */
export function startedServers(stderr: string): Array<{ label: string; pid: number; port: number }> {
  return [...stderr.matchAll(/^server (\S+) pid=(\d+) port=(\d+)$/gm)].map((m) => ({ label: m[1]!, pid: Number(m[2]), port: Number(m[3]) }));
}

export async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return predicate();
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Live Locust processes that a test run started (launched by hotpath, with that test's HOTPATH_HOME). */
export function locustLauncherPids(home: string): number[] {
  return labProcessPids(home, 'locust-launcher.py');
}

/** Live processes whose command line contains `needle` and that inherited this HOTPATH_HOME. */
export function labProcessPids(home: string, needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) continue;
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`HOTPATH_HOME=${home}`)) continue;
      if (isAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Asserts-friendly summary: servers still alive, and ports still bound. */
export async function leftovers(stderr: string): Promise<{ alive: number[]; bound: number[] }> {
  const servers = startedServers(stderr);
  // A process in the middle of exiting can still be signalled for a moment after its memory is
  // gone (its environ reads empty, so labProcessPids no longer lists it): give it that moment.
  await waitFor(() => servers.every((s) => !isAlive(s.pid)), 2_000);
  const alive = servers.filter((s) => isAlive(s.pid)).map((s) => s.pid);
  const bound: number[] = [];
  for (const server of servers) if (!(await portIsFree(server.port))) bound.push(server.port);
  return { alive, bound };
}

/** The exit code a record implies: 0 agrees · 1 disagrees, invalid or failed · 4 inconclusive. */
export function exitCodeFor(record: { status: string; comparison: { valid: boolean; verdict: string } }): number {
  if (record.status !== 'complete' || !record.comparison.valid) return 1;
  return record.comparison.verdict === 'agrees' ? 0 : record.comparison.verdict === 'inconclusive' ? 4 : 1;
}
