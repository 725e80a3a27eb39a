// Only half of the story's fix: still a plain Mutex, but released as soon as the ids are read,
// before the database call. Comparing this with fast.ts tells which change mattered.
import { Mutex } from 'async-mutex';
import type { VariantFactory } from '../../core/lesson.js';
import { collectUserIds, createClientDirectory, sumUserIds } from '../support/client-directory.js';
import { simulatedDbCall } from '../support/simulated-db.js';

export const mutexEarlyRelease: VariantFactory = (lab) => {
  const clients = createClientDirectory();
  const mutex = new Mutex();
  return async function mutexEarlyReleaseHandler(params) {
    const release = await lab.locks.timed(() => mutex.acquire());
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
