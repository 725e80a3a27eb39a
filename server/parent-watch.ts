// Lab processes exit on their own when the runner that started them is gone: polled, because
// under 0x the parent is 0x, and stdin is no signal there.
import { TIMING } from '../core/defaults.js';
import { isAlive } from '../core/proc-stat.js';


/** Calls `stop` once the parent changes or the runner (HOTPATH_PARENT_PID) dies. */
export function watchParent(stop: () => void): void {
  const watched = [process.ppid, Number(process.env.HOTPATH_PARENT_PID ?? 0)].filter((pid) => pid > 1);
  const initialParent = process.ppid;
  setInterval(() => {
    const orphaned = process.ppid !== initialParent || watched.some((pid) => !isAlive(pid));
    if (orphaned) stop();
  }, TIMING.parentPollMs).unref();
}
