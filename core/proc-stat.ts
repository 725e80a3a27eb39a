// What /proc says about a process: its stat fields, and whether it is still running.
import { readFileSync } from 'node:fs';

/**
 * The fields of /proc/<pid>/stat after the command name (which sits in parentheses and may hold
 * spaces): index 0 is the state, 1 the parent pid, 11 and 12 are utime and stime. Null when the
 * process is gone or there is no /proc (not Linux).
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
