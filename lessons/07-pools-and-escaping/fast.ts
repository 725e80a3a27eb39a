// Both changes, as the story's server has them: a pooled page, checked back in by `finally`, and
// one-pass escaping.
import escapeHtml from 'escape-html';
import type { VariantFactory } from '../../core/lesson.js';
import { fillRows, newPage, renderPage, yieldToOthers } from './page.js';
import { createPool, POOL_SIZE } from './pool.js';

export const pooledOnePass: VariantFactory = (lab) => {
  const pages = createPool(POOL_SIZE, () => newPage(0), lab.counters);
  return async function pooledOnePassHandler(params) {
    const rows = params.rows as number;
    const page = pages.checkOut();
    try {
      fillRows(page, rows);
      await yieldToOthers();
      return renderPage(page, rows, escapeHtml);
    } finally {
      pages.checkIn(page);
    }
  };
};
