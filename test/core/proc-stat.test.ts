// What /proc says about processes: liveness by pid and start time, ancestry, and who listens.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { descendsFrom, isAlive, isSameProcess, listensOn, processStartTicks } from '../../core/proc-stat.js';

describe('proc-stat', () => {
  it('names a process by pid and start time', () => {
    const start = processStartTicks(process.pid);
    expect(start).toBeGreaterThan(0);
    expect(isSameProcess(process.pid, start)).toBe(true);
    expect(isSameProcess(process.pid, start! + 1)).toBe(false); // the pid, reused by another process
    expect(isAlive(999_999_999)).toBe(false);
  });

  it('knows its ancestors', () => {
    expect(descendsFrom(process.pid, process.ppid)).toBe(true);
    expect(descendsFrom(process.ppid, process.pid)).toBe(false);
  });

  it('tells which process listens on a port, not only that someone does', async () => {
    const mine = createServer().listen(0, '127.0.0.1');
    await once(mine, 'listening');
    const child = spawn(process.execPath, ['-e', "require('net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port) })"], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
      const theirs = Number(chunk.toString().trim());
      expect(listensOn(process.pid, (mine.address() as AddressInfo).port)).toBe(true);
      expect(listensOn(process.pid, theirs)).toBe(false);
      expect(listensOn(child.pid!, theirs)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      mine.close();
    }
  });
});
