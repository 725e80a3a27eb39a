// The throwaway PostgreSQL cluster, real: it starts on 127.0.0.1 at a free port and answers, its
// stop leaves no process and no folder, and a runner killed with SIGKILL takes its server with it
// (the kernel's parent-death signal), its folder left to the next sweep. CI installs PostgreSQL.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { isAlive } from '../../core/proc-stat.js';
import { findPostgresBin, startPostgresCluster, sweepPostgresFolders } from '../../lab/postgres-cluster.js';
import { waitFor } from '../helpers/run-cli.js';

const installed = findPostgresBin() !== null;
if (!installed && process.env.CI === 'true') throw new Error('PostgreSQL is missing: .ci/run must install Debian\'s postgresql');
const ours = (): string[] => readdirSync(os.tmpdir()).filter((name) => name.startsWith('hotpath-pg-'));

describe.skipIf(!installed)('a throwaway PostgreSQL cluster', { timeout: 60_000 }, () => {
  it('starts on 127.0.0.1 at a free port, answers, and its stop leaves no process and no folder', async () => {
    const before = ours();
    const cluster = await startPostgresCluster();
    try {
      expect(cluster.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      const answer = execFileSync('psql', [cluster.url, '-tAc', "select current_setting('listen_addresses'), current_setting('fsync')"], { encoding: 'utf8' });
      expect(answer.trim()).toBe('127.0.0.1|off');
      expect(ours().length).toBe(before.length + 1);
    } finally {
      await cluster.stop();
    }
    expect(isAlive(cluster.pid)).toBe(false);
    expect(ours()).toEqual(before);
    await cluster.stop(); // twice is fine
  });

  it('a runner killed with SIGKILL takes its server with it; the sweep removes what it left', async () => {
    const script = `import('${path.join(projectRoot, 'dist', 'lab', 'postgres-cluster.js')}').then(async (m) => {
      const c = await m.startPostgresCluster(); console.log(c.pid); setInterval(() => {}, 1000); })`;
    const runner = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    runner.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    expect(await waitFor(() => out.includes('\n'), 30_000)).toBe(true);
    const postmaster = Number(out.trim());
    expect(isAlive(postmaster)).toBe(true);
    const folder = ours().find((name) => name.startsWith(`hotpath-pg-${runner.pid}-`));
    expect(folder).toBeDefined();
    runner.kill('SIGKILL');
    expect(await waitFor(() => !isAlive(postmaster), 10_000)).toBe(true);
    expect(sweepPostgresFolders()).toContain(folder);
    expect(existsSync(path.join(os.tmpdir(), folder!))).toBe(false);
  });
});
