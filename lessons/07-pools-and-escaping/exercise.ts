// Your turn: this is the slow handler, alloc-chained. Make it allocate at least 1.4 times fewer
// bytes per request (V8 counts them; the time is shown too) and keep its answer: the same page,
// the same length and checksum. Look at what is allocated for every row and for every message.
// Check with `npm run lesson:7 -- --exercise`; `--hint` when stuck; `npm run watch -- 7` re-checks
// on every save.
import type { VariantFactory } from '../../core/lesson.js';
import { escapeChained } from './escape-chained.js';
import { fillRows, newPage, renderPage, yieldToOthers } from './page.js';

export const exercise: VariantFactory = () =>
  async function exerciseHandler(params) {
    const rows = params.rows as number;
    const page = newPage(rows);
    fillRows(page, rows);
    await yieldToOthers();
    return renderPage(page, rows, escapeChained);
  };
