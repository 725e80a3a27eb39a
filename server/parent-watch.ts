// Lab processes exit on their own when the runner that started them is gone: polled, because
// under 0x the parent is 0x, and stdin is no signal there. The runner is named by its pid and
// its start time (HOTPATH_PARENT_PID, HOTPATH_PARENT_START), so a reused pid is not mistaken for
// it, and it must still be an ancestor: a process whose parent died during its start-up was
// adopted by pid 1 (or a subreaper) and stops, even while the runner it names lives on.
import { TIMING } from '../core/defaults.js';
import { descendsFrom, isSameProcess } from '../core/proc-stat.js';

/** Calls `stop` once the parent changes or the runner is gone: checked now, then every second. */
export function watchParent(stop: () => void): void {
  const runnerPid = Number(process.env.HOTPATH_PARENT_PID ?? 0);
  const runnerStart = process.env.HOTPATH_PARENT_START ? Number(process.env.HOTPATH_PARENT_START) : null;
  const initialParent = process.ppid;
  const orphaned = (): boolean =>
    process.ppid !== initialParent ||
    (runnerPid > 1 && (!isSameProcess(runnerPid, runnerStart) || descendsFrom(process.pid, runnerPid) === false));
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
