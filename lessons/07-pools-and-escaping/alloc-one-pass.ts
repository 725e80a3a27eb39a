// The other change alone: the page is allocated per request, but each message is escaped in one
// pass by escape-html (what Express itself uses), which returns a message with nothing to escape as is.
import escapeHtml from 'escape-html';
import type { VariantFactory } from '../../core/lesson.js';
import { fillRows, newPage, renderPage, yieldToOthers } from './page.js';

export const allocOnePass: VariantFactory = () =>
  async function allocOnePassHandler(params) {
    const rows = params.rows as number;
    const page = newPage(rows);
    fillRows(page, rows);
    await yieldToOthers();
    return renderPage(page, rows, escapeHtml);
  };
