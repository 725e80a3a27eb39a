// The first version: every request allocates its page (an array and an object per row), and
// escapes each message with five chained `replace` calls.
import type { VariantFactory } from '../../core/lesson.js';
import { escapeChained } from './escape-chained.js';
import { fillRows, newPage, renderPage, yieldToOthers } from './page.js';

export const allocChained: VariantFactory = () =>
  async function allocChainedHandler(params) {
    const rows = params.rows as number;
    const page = newPage(rows);
    fillRows(page, rows);
    await yieldToOthers();
    return renderPage(page, rows, escapeChained);
  };
