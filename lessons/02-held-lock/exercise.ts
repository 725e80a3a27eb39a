// Your turn: this is the slow handler, held-mutex. Make it serve at least 10 times its req/s at
// the lesson's load (100 connections, a 50 ms DB call) and keep its answer. Look at what the lock
// protects, and at how long it is held.
// Check with `npm run lesson:2 -- --exercise`; `--hint` when stuck; `npm run watch -- 2` re-checks
// on every save.
import { Mutex } from 'async-mutex';
import type { VariantFactory } from '../../core/lesson.js';
import { collectUserIds, createClientDirectory, sumUserIds } from '../support/client-directory.js';
import { simulatedDbCall } from '../support/simulated-db.js';

export const exercise: VariantFactory = (lab) => {
  const clients = createClientDirectory();
  const mutex = new Mutex();
  return async function exerciseHandler(params) {
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
