import { procStatFields } from './proc-stat.js';

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
