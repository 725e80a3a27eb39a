// The same handler, shared-nothing: `cluster = true` asks the lab to run one worker process per
// core (node:cluster) and each worker runs this factory once, so each has its own table and its
// own event loop; no request waits for another worker and nothing needs a lock. The story's
// Actix workers each open their own database connection the same way.
import type { VariantFactory } from '../../core/lesson.js';
import { openTable, renderFortunes } from './fortunes-page.js';

export const cluster = true;

export const perWorkerFortunesPage: VariantFactory = () => {
  const table = openTable();
  return async function fortunesPageHandler(params) {
    return renderFortunes(table, params.rows as number);
  };
};
