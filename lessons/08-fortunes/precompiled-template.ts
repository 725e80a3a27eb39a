// The second change as well: the template compiled once, when the worker starts.
import type { SiteVariantFactory } from '../../core/lesson.js';
import { escapeChained } from '../support/escape-chained.js';
import { connect, SELECT_FORTUNES } from './fortune-db.js';
import { compileFortunesTemplate, renderFortunes } from './page.js';
import { sendFortunesPage } from './send-page.js';

export const precompiledTemplate: SiteVariantFactory = (lab) => {
  const connection = connect(lab.db!);
  const fortunes = connection.prepare(SELECT_FORTUNES);
  const template = compileFortunesTemplate();
  lab.closed.addEventListener('abort', () => void connection.close(), { once: true });
  return async function precompiledTemplateHandler(_req, res) {
    sendFortunesPage(res, renderFortunes(await fortunes.all(), template, escapeChained));
  };
};
