// What /proc says about a process: its stat fields, and whether it is still running.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The fields of /proc/<pid>/stat after the command name (which sits in parentheses and may hold
 * spaces): index 0 is the state, 1 the parent pid, 11 and 12 are utime and stime, 19 the start
 * time. Null when the process is gone or there is no /proc (not Linux).
 */
export function procStatFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * Bytes the process has read through read() and its kin since it started (`rchar` of
 * /proc/<pid>/io: files and sockets, all threads, libuv's file-system pool included). Null
 * without /proc.
 */
export function procReadBytes(pid: number | 'self' = 'self'): number | null {
  try {
    const match = /^rchar:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Whether a process with this pid is running. EPERM means it exists but is not ours; a zombie
 * (exited, not yet reaped by its parent) counts as gone.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return procStatFields(pid)?.[0] !== 'Z'; // without /proc, trust kill(0)
}

/** When the process started, in clock ticks after boot: with the pid, it names one process. */
export function processStartTicks(pid: number): number | null {
  const start = procStatFields(pid)?.[19];
  return start === undefined ? null : Number(start);
}

/**
 * Whether `pid` is still the process that started at `startTicks` (null: not known, the pid
 * alone decides). Pids are reused (pid_max may be only 32768), so a pid alone can name a stranger.
 */
export function isSameProcess(pid: number, startTicks: number | null): boolean {
  if (!isAlive(pid)) return false;
  if (startTicks === null) return true;
  const now = processStartTicks(pid);
  return now === null || now === startTicks; // without /proc, trust the pid
}

/**
 * Whether `ancestor` is the parent of `pid`, or its parent's parent, and so on up to pid 1. Null
 * without /proc (not Linux): then nothing can be said.
 */
export function descendsFrom(pid: number, ancestor: number): boolean | null {
  let current = pid;
  for (let depth = 0; depth < 64; depth += 1) {
    const fields = procStatFields(current);
    if (!fields) return depth === 0 ? null : false;
    const parent = Number(fields[1]);
    if (parent === ancestor) return true;
    if (parent <= 1) return false;
    current = parent;
  }
  return false;
}

/**
 * Whether process `pid` itself holds a TCP socket listening on `port` (IPv4 or IPv6), not merely
 * whether someone does. Null without /proc (not Linux).
 */
export function listensOn(pid: number, port: number): boolean | null {
  let sockets: Set<string>;
  try {
    const links = readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return ''; // closed meanwhile
      }
    });
    sockets = new Set(links.filter((link) => link.startsWith('socket:[')).map((link) => link.slice('socket:['.length, -1)));
  } catch {
    return existsInProc() ? false : null;
  }
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    // Columns: sl local_address rem_address st(0A = LISTEN) tx:rx tr:when retrnsmt uid timeout inode
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols[1]?.endsWith(local) && cols[3] === '0A' && sockets.has(cols[9] ?? '')) return true;
    }
  }
  return false;
}

function existsInProc(): boolean {
  try {
    readdirSync('/proc/self/fd');
    return true;
  } catch {
    return false;
  }
}

/** The environment that tells a lab process which runner started it, for it to watch. */
export function runnerIdentityEnv(): Record<string, string> {
  const start = processStartTicks(process.pid);
  return { HOTPATH_PARENT_PID: String(process.pid), ...(start === null ? {} : { HOTPATH_PARENT_START: String(start) }) };
}

/**
 * The whole machine's CPU time so far, in clock ticks over all cores (/proc/stat's first line):
 * busy (this machine's processes and kernel), steal (time the hypervisor gave other guests while
 * this one wanted to run) and the total, idle included. Null off Linux.
 */
export function machineCpuTicks(): { busy: number; steal: number; total: number } | null {
  let line: string;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  } catch {
    return null;
  }
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guests are in user/nice)
  const [label, ...fields] = line.trim().split(/\s+/);
  if (label !== 'cpu' || fields.length < 8) return null;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.slice(0, 8).map(Number) as [number, number, number, number, number, number, number, number];
  const busy = user + nice + system + irq + softirq;
  return { busy, steal, total: busy + steal + idle + iowait };
}
