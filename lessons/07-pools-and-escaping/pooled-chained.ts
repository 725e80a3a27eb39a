// One change: the page comes from a pool and goes back in `finally`; escaping is still chained.
import type { VariantFactory } from '../../core/lesson.js';
import { escapeChained } from './escape-chained.js';
import { fillRows, newPage, renderPage, yieldToOthers } from './page.js';
import { createPool, POOL_SIZE } from './pool.js';

export const pooledChained: VariantFactory = (lab) => {
  const pages = createPool(POOL_SIZE, () => newPage(0), lab.counters);
  return async function pooledChainedHandler(params) {
    const rows = params.rows as number;
    const page = pages.checkOut();
    try {
      fillRows(page, rows);
      await yieldToOthers();
      return renderPage(page, rows, escapeChained);
    } finally {
      pages.checkIn(page);
    }
  };
};
