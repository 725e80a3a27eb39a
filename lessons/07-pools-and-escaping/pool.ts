// A pool of page contexts, as Actix keeps 128 request objects per worker thread: check one out,
// use it, check it back in. Node has no Drop to do the checking in, so a `finally` must. A context
// that is never checked back in is not lost memory (the GC takes it) but lost reuse: when the pool
// runs dry, every request allocates again, and the counter `poolMisses` says so.
import type { WorkCounter } from '../../core/lesson.js';

export interface Pool<T> {
  checkOut(): T;
  checkIn(item: T): void;
  /** Items waiting to be checked out. */
  readonly idle: number;
}

export function createPool<T>(size: number, make: () => T, counters: WorkCounter): Pool<T> {
  const idle: T[] = Array.from({ length: size }, make);
  return {
    checkOut() {
      const item = idle.pop();
      if (item !== undefined) return item;
      counters.add('poolMisses');
      return make();
    },
    checkIn(item) {
      if (idle.length < size) idle.push(item);
    },
    get idle() {
      return idle.length;
    },
  };
}

/** The story's figure: 128 pre-allocated objects per worker. */
export const POOL_SIZE = 128;
