// Your turn: this is the slow handler, connect-per-request. Make it serve at least 2 times its
// requests per second, with the same page (the Fortunes rules are checked before any timing:
// the rows, their order, the escaping, the headers). Look at what it does on every request that
// it could do once, when the server starts. Check with `npm run lesson:8 -- --exercise` (add
// `--db postgres` for a real PostgreSQL); `--hint` when stuck; `npm run watch -- 8` re-checks on save.
import type { SiteVariantFactory } from '../../core/lesson.js';
import { escapeChained } from '../support/escape-chained.js';
import { connect, SELECT_FORTUNES } from './fortune-db.js';
import { compileFortunesTemplate, renderFortunes } from './page.js';
import { sendFortunesPage } from './send-page.js';

export const exercise: SiteVariantFactory = (lab) =>
  async function exerciseHandler(_req, res) {
    const connection = connect(lab.db!);
    try {
      const rows = await connection.prepare(SELECT_FORTUNES).all();
      sendFortunesPage(res, renderFortunes(rows, compileFortunesTemplate(), escapeChained));
    } finally {
      await connection.close();
    }
  };
