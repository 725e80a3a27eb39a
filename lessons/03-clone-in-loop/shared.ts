// What both variants share, so that the only difference between them is the copy.
import type { LabContext } from '../../core/lesson.js';
import { collectUserIds, createClientDirectory } from '../support/client-directory.js';
import { ReadWriteLock } from '../support/rw-lock.js';

/** Reads the ids under a read lock released at once (lesson 2's fix), as the story's handler does. */
export function createUserIdReader(lab: LabContext): () => Promise<string[]> {
  const clients = createClientDirectory();
  const lock = new ReadWriteLock();
  return async () => {
    const release = await lab.locks.timed(() => lock.acquireRead());
    try {
      return collectUserIds(clients);
    } finally {
      release();
    }
  };
}

/** The fold step: parse one id and add it. */
export function addParsedId(total: number, userId: string): number {
  return total + Number.parseInt(userId, 10);
}
