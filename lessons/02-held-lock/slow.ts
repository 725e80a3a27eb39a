// The story's first handler: the Mutex is taken, the ids read, and the lock is still held
// through the 50 ms database call. Every request waits for every request ahead of it.
import { Mutex } from 'async-mutex';
import type { VariantFactory } from '../../core/lesson.js';
import { collectUserIds, createClientDirectory, sumUserIds } from '../support/client-directory.js';
import { simulatedDbCall } from '../support/simulated-db.js';

export const heldMutex: VariantFactory = (lab) => {
  const clients = createClientDirectory();
  const mutex = new Mutex();
  return async function heldMutexHandler(params) {
    const release = await lab.locks.timed(() => mutex.acquire());
    try {
      const userIds = collectUserIds(clients);
      await simulatedDbCall(params.dbMs as number);
      return { sum: sumUserIds(userIds) };
    } finally {
      release();
    }
  };
};
