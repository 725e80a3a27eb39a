// What the lab hands to a variant when it builds its handler.
import type { LockWaitStats } from './lock-wait.js';
import type { Params } from './lesson-types.js';
import type { WorkCounters } from './work-counters.js';

export interface LabContext {
  /** Wrap every lock acquisition in `locks.timed(...)` so /__lab/metrics can report lock waits. */
  locks: LockWaitStats;
  /** Count work a request did (upstream fetches, bytes hashed): the runner reports it per request. */
  counters: WorkCounters;
  /** Lesson parameters fixed when the server started (site lessons; JSON lessons read the query). */
  params: Params;
  /** The folder of generated site files (site lessons). */
  siteDir: string;
  /** Base URL of the redirect-map upstream, when the lesson has one. */
  upstreamUrl: string | null;
  /** Aborted when the app closes: stop timers and background work. */
  closed: AbortSignal;
}
