// Your turn: this is the slow handler, one-process. Make the server keep at least 1.4 times as
// many CPU cores busy as one-process does, and serve more requests for it, with the same answer:
// the same page, length and checksum. Look at how much of this machine one process uses while
// requests wait, and at what each process would need of its own. Check with
// `npm run lesson:6 -- --exercise`; `--hint` when stuck; `npm run watch -- 6` re-checks on every save.
import type { VariantFactory } from '../../core/lesson.js';
import { openTable, renderFortunes } from './fortunes-page.js';

/** How the lab serves this exercise: one process (false), or one per core (see the lesson's README). */
export const cluster = false;

export const exercise: VariantFactory = () => {
  const table = openTable();
  return async function exerciseHandler(params) {
    return renderFortunes(table, params.rows as number);
  };
};
