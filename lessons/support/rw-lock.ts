// A writer-preferring read-write lock built on async-mutex's weighted Semaphore.
// Readers take weight 1, a writer takes the whole capacity, so it waits for every reader to
// leave and excludes everyone while it holds the lock. Writers queue at a higher priority, so a
// waiting writer goes ahead of readers that arrive after it: readers cannot starve a writer.
// (The npm read-write locks we tried are unfit: async-rwlock 1.1.1 hangs for good after a writer
// times out, and rwlock 5.0.0 is callback-only.)
import { Semaphore } from 'async-mutex';

export type Release = () => void;

const READER_PRIORITY = 0;
const WRITER_PRIORITY = 1;

export class ReadWriteLock {
  readonly #capacity: number;
  readonly #semaphore: Semaphore;

  /**
   * @param maxReaders readers that may hold the lock at once. Keep it small: async-mutex 0.5
   *   loops over the free count on every release, so a huge capacity costs time per request.
   */
  constructor(maxReaders = 1024) {
    if (!Number.isInteger(maxReaders) || maxReaders < 1) {
      throw new RangeError(`Expected maxReaders to be a positive integer, got ${maxReaders}`);
    }
    this.#capacity = maxReaders;
    this.#semaphore = new Semaphore(maxReaders);
  }

  #readers = 0;
  #writing = false;

  async acquireRead(): Promise<Release> {
    const [, release] = await this.#semaphore.acquire(1, READER_PRIORITY);
    this.#readers += 1;
    return once(() => {
      this.#readers -= 1;
      release();
    });
  }

  async acquireWrite(): Promise<Release> {
    const [, release] = await this.#semaphore.acquire(this.#capacity, WRITER_PRIORITY);
    this.#writing = true;
    return once(() => {
      this.#writing = false;
      release();
    });
  }

  /** Readers holding the lock now. */
  get activeReaders(): number {
    return this.#readers;
  }

  get isWriteLocked(): boolean {
    return this.#writing;
  }
}

/** A release that does nothing the second time, like async-mutex's own releasers. */
function once(release: () => void): Release {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}
