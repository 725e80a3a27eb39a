// One process: every page is rendered on its one event loop, one after another, however many
// cores the machine has. Its table is opened once, when the server starts.
import type { VariantFactory } from '../../core/lesson.js';
import { openTable, renderFortunes } from './fortunes-page.js';

export const fortunesPage: VariantFactory = () => {
  const table = openTable();
  return async function fortunesPageHandler(params) {
    return renderFortunes(table, params.rows as number);
  };
};
