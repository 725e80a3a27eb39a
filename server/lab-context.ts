// What the lab hands to a variant when it builds its handler.
import type { LockWaitStats } from './lock-wait.js';

export interface LabContext {
  /** Wrap every lock acquisition in `locks.timed(...)` so /__lab/metrics can report lock waits. */
  locks: LockWaitStats;
}
