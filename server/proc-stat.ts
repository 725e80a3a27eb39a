import { readFileSync } from 'node:fs';

/**
 * The fields of /proc/<pid>/stat after the command name (which sits in parentheses and may hold
 * spaces): index 0 is the state, 11 and 12 are utime and stime. Null when the process is gone or
 * there is no /proc (not Linux).
 */
export function procStatFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}
