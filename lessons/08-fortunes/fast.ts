// All three changes, as the story's server has them: one connection and a prepared statement per
// worker, a precompiled template, and escaping in one pass (escape-html, which Express uses).
import escapeHtml from 'escape-html';
import type { SiteVariantFactory } from '../../core/lesson.js';
import { connect, SELECT_FORTUNES } from './fortune-db.js';
import { compileFortunesTemplate, renderFortunes } from './page.js';
import { sendFortunesPage } from './send-page.js';

export const preparedOnce: SiteVariantFactory = (lab) => {
  const connection = connect(lab.db!);
  const fortunes = connection.prepare(SELECT_FORTUNES);
  const template = compileFortunesTemplate();
  lab.closed.addEventListener('abort', () => void connection.close(), { once: true });
  return async function preparedOnceHandler(_req, res) {
    sendFortunesPage(res, renderFortunes(await fortunes.all(), template, escapeHtml));
  };
};
