// Lab processes exit on their own when the runner that started them is gone: polled, because
// under 0x the parent is 0x, and stdin is no signal there. The runner is named by its pid and
// its start time (HOTPATH_PARENT_PID, HOTPATH_PARENT_START), so a reused pid is not mistaken for
// it; a process whose parent died before this watch began (reparented already) stops at once.
import { TIMING } from '../core/defaults.js';
import { isSameProcess } from '../core/proc-stat.js';

/** Calls `stop` once the parent changes or dies, or the runner is gone: checked now, then every second. */
export function watchParent(stop: () => void): void {
  const runnerPid = Number(process.env.HOTPATH_PARENT_PID ?? 0);
  const runnerStart = process.env.HOTPATH_PARENT_START ? Number(process.env.HOTPATH_PARENT_START) : null;
  const initialParent = process.ppid;
  const orphaned = (): boolean =>
    process.ppid !== initialParent ||
    // Started by a runner (not pid 1 itself) yet already a child of pid 1: it died during our start-up.
    (runnerPid > 1 && initialParent === 1) ||
    (runnerPid > 1 && !isSameProcess(runnerPid, runnerStart));
  if (orphaned()) {
    stop();
    return;
  }
  const timer = setInterval(() => {
    if (orphaned()) {
      clearInterval(timer);
      stop();
    }
  }, TIMING.parentPollMs).unref();
}
