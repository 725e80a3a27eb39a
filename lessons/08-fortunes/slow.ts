// Everything per request: a new connection and the query prepared on it, the template parsed and
// compiled, and five chained `replace` calls per message.
import type { SiteVariantFactory } from '../../core/lesson.js';
import { escapeChained } from '../support/escape-chained.js';
import { connect, SELECT_FORTUNES } from './fortune-db.js';
import { compileFortunesTemplate, renderFortunes } from './page.js';
import { sendFortunesPage } from './send-page.js';

export const connectPerRequest: SiteVariantFactory = (lab) =>
  async function connectPerRequestHandler(_req, res) {
    const connection = connect(lab.db!);
    try {
      const rows = await connection.prepare(SELECT_FORTUNES).all();
      sendFortunesPage(res, renderFortunes(rows, compileFortunesTemplate(), escapeChained));
    } finally {
      await connection.close();
    }
  };
