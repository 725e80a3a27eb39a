import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processStartTicks } from '../../core/proc-stat.js';
import { createRunFolder, sweepLeftovers } from '../../lab/sweep.js';

let home: string;
const previous = process.env.HOTPATH_HOME;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'hotpath-sweep-'));
  process.env.HOTPATH_HOME = home;
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  if (previous === undefined) delete process.env.HOTPATH_HOME;
  else process.env.HOTPATH_HOME = previous;
});

function runDir(name: string, files: Record<string, string>): string {
  const dir = path.join(home, 'results', 'lesson-02', name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

describe('sweepLeftovers', () => {
  it('removes run folders of dead runners that never wrote a record, and temp files', async () => {
    const dead = runDir('dead', { 'runner.pid': '999999999\n', 'server-x.log': 'log' });
    const finished = runDir('finished', { 'result.json': '{}', 'result.json.tmp-1-abc': '{' });
    mkdirSync(path.join(finished, 'driver-tmp-locust-x1'));
    const live = runDir('live', { 'runner.pid': `${process.pid}\n` });
    const removed = await sweepLeftovers();
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(path.join(finished, 'result.json'))).toBe(true);
    expect(existsSync(path.join(finished, 'result.json.tmp-1-abc'))).toBe(false);
    expect(existsSync(path.join(finished, 'driver-tmp-locust-x1'))).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(removed).toHaveLength(3);
  });

  it('removes old half-written gallery pages, and only old ones', async () => {
    const dir = path.join(home, 'flamegraphs', 'lesson-03', 'run');
    mkdirSync(dir, { recursive: true });
    const old = path.join(dir, 'compare.html.tmp-1-abc');
    const fresh = path.join(home, 'flamegraphs', 'index.html.tmp-2-def');
    writeFileSync(old, '<');
    writeFileSync(fresh, '<');
    const longAgo = new Date(Date.now() - 3_600_000);
    utimesSync(old, longAgo, longAgo);
    await sweepLeftovers();
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });

  it('never takes a run folder another runner is creating: folders appear already marked', async () => {
    const parent = path.join(home, 'results', 'lesson-02');
    mkdirSync(parent, { recursive: true });
    const dirs = Array.from({ length: 200 }, (_, i) => path.join(parent, `run-${i}`));
    // Other runners sweeping in a loop while folders are created, many at once.
    let sweeping = true;
    let sweeps = 0;
    const sweeper = async (): Promise<void> => {
      while (sweeping) {
        await sweepLeftovers();
        sweeps += 1;
      }
    };
    const sweepers = [sweeper(), sweeper(), sweeper()];
    for (let i = 0; i < dirs.length; i += 20) await Promise.all(dirs.slice(i, i + 20).map((dir) => createRunFolder(dir)));
    sweeping = false;
    await Promise.all(sweepers);
    expect(sweeps).toBeGreaterThan(0);
    const marker = `${process.pid} ${processStartTicks(process.pid)}`; // the runner, by pid and start time
    for (const dir of dirs) expect(readFileSync(path.join(dir, 'runner.pid'), 'utf8').trim()).toBe(marker);
    expect(readdirSync(parent).filter((name) => name.startsWith('.'))).toEqual([]); // no staging folder left
  });

  it('sweeps a staging folder whose runner died, and keeps a live one', async () => {
    const parent = path.join(home, 'results', 'lesson-02');
    const dead = path.join(parent, '.20261127-000000-abcd.starting-999999999');
    const live = path.join(parent, `.20261127-000000-ef01.starting-${process.pid}`);
    mkdirSync(dead, { recursive: true });
    mkdirSync(live, { recursive: true });
    await sweepLeftovers();
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it('sweeps a folder whose runner pid now names another process (same pid, other start time)', async () => {
    const reused = runDir('reused', { 'runner.pid': `${process.pid} ${processStartTicks(process.pid)! + 1}\n` });
    const mine = runDir('mine', { 'runner.pid': `${process.pid} ${processStartTicks(process.pid)}\n` });
    await sweepLeftovers();
    expect(existsSync(reused)).toBe(false);
    expect(existsSync(mine)).toBe(true);
  });

  it('two sweeps at once over the same old gallery temp files: neither fails', async () => {
    const dir = path.join(home, 'flamegraphs', 'lesson-03', 'run');
    mkdirSync(dir, { recursive: true });
    const longAgo = new Date(Date.now() - 3_600_000);
    for (let trial = 0; trial < 10; trial += 1) {
      for (let i = 0; i < 30; i += 1) {
        const file = path.join(dir, `g${i}.html.tmp-1-${trial}`);
        writeFileSync(file, '<');
        utimesSync(file, longAgo, longAgo);
      }
      await Promise.all([sweepLeftovers(), sweepLeftovers()]);
      expect(readdirSync(dir)).toEqual([]);
    }
  });
});
