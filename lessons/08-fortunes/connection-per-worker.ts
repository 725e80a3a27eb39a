// The first change: one connection per worker, opened when it starts, and the query prepared on
// it once. The template is still compiled per request, the escape still chained.
import type { SiteVariantFactory } from '../../core/lesson.js';
import { escapeChained } from '../support/escape-chained.js';
import { connect, SELECT_FORTUNES } from './fortune-db.js';
import { compileFortunesTemplate, renderFortunes } from './page.js';
import { sendFortunesPage } from './send-page.js';

export const connectionPerWorker: SiteVariantFactory = (lab) => {
  const connection = connect(lab.db!);
  const fortunes = connection.prepare(SELECT_FORTUNES);
  lab.closed.addEventListener('abort', () => void connection.close(), { once: true });
  return async function connectionPerWorkerHandler(_req, res) {
    sendFortunesPage(res, renderFortunes(await fortunes.all(), compileFortunesTemplate(), escapeChained));
  };
};
