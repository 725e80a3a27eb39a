// A throwaway PostgreSQL cluster for a run (lesson 8's `--db postgres`): a fresh data folder,
// initdb, the server on 127.0.0.1 at a free port, and everything gone at the end.
// - initdb refuses to run as root: as root, every PostgreSQL program runs as the `postgres` user
//   (setpriv), on a folder handed to that user (a root-only temp folder would not be reachable).
// - The server runs in the foreground as this process's child, under setpriv's --pdeathsig INT:
//   if the runner dies, even by kill -9, the kernel sends the server a fast shutdown.
// - Its socket lives in its own folder (unix_socket_directories), TCP on 127.0.0.1 only.
// - The folder is named `hotpath-pg-<pid>-…` in the temp dir: a runner killed before it could
//   remove it leaves it to the next sweep (sweepPostgresFolders).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, chmodSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HotpathError } from '../core/errors.js';
import { isAlive } from '../core/proc-stat.js';

/** How to get PostgreSQL on Debian, as the error says it. */
export const POSTGRES_INSTALL = 'apt-get install -y postgresql';
const FOLDER_PREFIX = 'hotpath-pg-';
/** The server's own database user (initdb -U) and the lesson's database. */
export const POSTGRES_USER = 'postgres';
const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;

export interface PostgresCluster {
  host: '127.0.0.1';
  port: number;
  user: string;
  database: string;
  /** The postmaster's pid. */
  pid: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** Fast shutdown, then SIGKILL after a grace; removes the data folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** The folder holding initdb, postgres and pg_isready: Debian's newest, else the PATH's. */
export function findPostgresBin(): string | null {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => existsSync(path.join(debian, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return path.join(debian, versions[0]!, 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'postgres'))) return dir;
  }
  return null;
}

/** A port free a moment ago on 127.0.0.1 (the server is then asked for it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const asRoot = (): boolean => process.getuid?.() === 0;

/** The command that runs `program` as the cluster's owner (setpriv to `postgres` when root). */
function asOwner(program: string, args: readonly string[], extra: readonly string[] = []): [string, string[]] {
  if (!asRoot()) return extra.length > 0 ? ['setpriv', [...extra, '--', program, ...args]] : [program, [...args]];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', ...extra, '--', program, ...args]];
}

/** The uid and gid of the `postgres` user, or null when it does not exist. */
function postgresIds(): { uid: number; gid: number } | null {
  const id = (flag: string): number | null => {
    const out = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    return out.status === 0 ? Number(out.stdout.trim()) : null;
  };
  const uid = id('-u');
  const gid = id('-g');
  return uid === null || gid === null ? null : { uid, gid };
}

export async function startPostgresCluster(options: { log?: (line: string) => void } = {}): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new HotpathError('E_TOOL_MISSING', `PostgreSQL is not installed (no initdb and postgres found): ${POSTGRES_INSTALL}`);
  const ids = asRoot() ? postgresIds() : null;
  if (asRoot() && !ids) throw new HotpathError('E_TOOL_MISSING', `running as root, PostgreSQL needs its \`postgres\` user, which this machine lacks: ${POSTGRES_INSTALL}`);

  const folder = mkdtempSync(path.join(os.tmpdir(), `${FOLDER_PREFIX}${process.pid}-`));
  const remove = (): void => rmSync(folder, { recursive: true, force: true });
  let server: ChildProcess | null = null;
  try {
    chmodSync(folder, 0o755); // reachable by the postgres user; the data folder inside is its own
    const data = path.join(folder, 'data');
    mkdirSync(data, { mode: 0o700 });
    if (ids) chownSync(data, ids.uid, ids.gid);
    const initdb = spawnSync(...asOwner(path.join(bin, 'initdb'), ['-D', data, '-U', POSTGRES_USER, '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']), { encoding: 'utf8' });
    if (initdb.status !== 0) throw new HotpathError('E_SERVER', `initdb failed: ${(initdb.stderr || initdb.stdout || String(initdb.error)).trim().split('\n').slice(-3).join(' ')}`);

    const port = await freePort();
    const [command, args] = asOwner(path.join(bin, 'postgres'), [
      '-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${data}`,
      // A throwaway cluster: nothing to keep across a crash.
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    ], ['--pdeathsig', 'INT']);
    server = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderrTail = '';
    server.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-2000);
      options.log?.(chunk.toString());
    });
    const exited = new Promise<number | null>((resolve) => server!.once('close', (code) => resolve(code)));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const ready = spawnSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', POSTGRES_USER, '-q']);
      if (ready.status === 0) break;
      if (server.exitCode !== null || Date.now() > deadline) {
        throw new HotpathError('E_SERVER', `PostgreSQL did not start on 127.0.0.1:${port}: ${stderrTail.trim().split('\n').slice(-3).join(' ') || 'no output'}`);
      }
      await sleep(100);
    }
    const child = server;
    let stopping: Promise<void> | null = null;
    return {
      host: '127.0.0.1',
      port,
      user: POSTGRES_USER,
      database: POSTGRES_USER,
      pid: child.pid!,
      url: `postgres://${POSTGRES_USER}@127.0.0.1:${port}/${POSTGRES_USER}`,
      stop() {
        stopping ??= (async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGINT'); // setpriv has exec'd: this is the postmaster, and INT its fast shutdown
            const killed = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
            await exited;
            clearTimeout(killed);
          }
          remove();
        })();
        return stopping;
      },
    };
  } catch (error) {
    if (server && server.exitCode === null) {
      server.kill('SIGKILL');
      await new Promise((resolve) => server!.once('close', resolve));
    }
    remove();
    throw error;
  }
}

/**
 * Removes the folders of clusters whose runner is gone (killed before it could): their server
 * got its fast shutdown from the kernel; only the folder is left. @returns what it removed
 */
export function sweepPostgresFolders(): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(os.tmpdir())) {
    const match = name.startsWith(FOLDER_PREFIX) ? /^hotpath-pg-(\d+)-/.exec(name) : null;
    if (!match || isAlive(Number(match[1]))) continue;
    rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
