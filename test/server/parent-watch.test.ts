// A lab process exits on its own when the runner that started it is gone, including the cases a
// pid alone cannot tell: the runner died while the process was still starting, or its pid now
// belongs to another process. Real server processes, spawned here as the runner would.
import { execFileSync, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot, serverMain } from '../../core/paths.js';
import { isAlive, processStartTicks } from '../../core/proc-stat.js';
import { parseReadyLine } from '../../core/ready-line.js';
import { waitFor } from '../helpers/run-cli.js';

const SERVER = [serverMain, '--lesson', '2', '--variant', 'held-mutex', '--port', '0'];
/** One parent poll, and a margin for a loaded machine. */
const NOTICE_MS = 5_000;

/** Servers a test started: killed after each test, whatever it asserted. */
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

function startServer(env: Record<string, string>): { pid: number; ready: Promise<boolean>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, SERVER, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...env } });
  let out = '';
  const ready = new Promise<boolean>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('\n').some((line) => parseReadyLine(line))) resolve(true);
    });
    child.once('close', () => resolve(false));
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  started.push(child.pid!);
  return { pid: child.pid!, ready, exited };
}

describe('a lab process watching its runner', { timeout: 20_000 }, () => {
  const me = { HOTPATH_PARENT_PID: String(process.pid), HOTPATH_PARENT_START: String(processStartTicks(process.pid)) };

  it('keeps serving while its runner (pid and start time) is alive, and stops on SIGINT', async () => {
    const server = startServer(me);
    expect(await server.ready).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // past one poll
    expect(isAlive(server.pid)).toBe(true);
    process.kill(server.pid, 'SIGINT');
    expect(await server.exited).toBe(0);
  });

  it('exits when the runner\'s pid now names another process (pids are reused)', async () => {
    const server = startServer({ ...me, HOTPATH_PARENT_START: String(Number(me.HOTPATH_PARENT_START) + 1) });
    expect(await Promise.race([server.exited.then(() => 'exited'), new Promise((r) => setTimeout(() => r('still running'), NOTICE_MS))])).toBe('exited');
  });

  it('exits when its parent died while it was starting (adopted by pid 1 or a subreaper before it looks)', async () => {
    // A shell starts the server in the background and exits at once, as a runner killed during
    // the server's start-up would: the server is reparented before its watch begins. The runner
    // it names (this test) stays alive, so only the reparenting can tell it to stop.
    const pid = Number(execFileSync('sh', ['-c', '"$0" "$@" >/dev/null 2>&1 & echo $!', process.execPath, ...SERVER], {
      cwd: projectRoot, env: { ...process.env, ...me }, encoding: 'utf8',
    }).trim());
    expect(pid).toBeGreaterThan(1);
    started.push(pid);
    expect(await waitFor(() => !isAlive(pid), NOTICE_MS)).toBe(true);
  });
});

