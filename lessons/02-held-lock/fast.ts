// The story's fix: a read lock (readers share it), released before the database call.
import type { VariantFactory } from '../../core/lesson.js';
import { collectUserIds, createClientDirectory, sumUserIds } from '../support/client-directory.js';
import { ReadWriteLock } from '../support/rw-lock.js';
import { simulatedDbCall } from '../support/simulated-db.js';

export const rwlockEarlyRelease: VariantFactory = (lab) => {
  const clients = createClientDirectory();
  const lock = new ReadWriteLock();
  return async function rwlockEarlyReleaseHandler(params) {
    const release = await lab.locks.timed(() => lock.acquireRead());
    let userIds: string[];
    try {
      userIds = collectUserIds(clients);
    } finally {
      release();
    }
    await simulatedDbCall(params.dbMs as number);
    return { sum: sumUserIds(userIds) };
  };
};
