// What lesson 6 does per request, in either shape (one process, or a cluster): TechEmpower's
// Fortunes work on a page of `rows` rows. Read the rows from this process's own table, add the
// request's row, sort by message, escape each message and render the rows. All of it is
// JavaScript on the event loop, milliseconds of it per page, and nothing waits on anything else.
import escapeHtml from 'escape-html';
import { fnv1a } from '../support/fnv1a.js';
import { ADDED_FORTUNE, FORTUNES, type Fortune } from '../support/fortunes.js';

/**
 * A process's own copy of the `fortune` table: what the story's workers each hold (their own
 * database connection) so that no request waits for another process.
 */
export interface FortuneTable {
  /** All rows, as one query reads them (the caller does not know how many). */
  selectAll(): Fortune[];
}

export function openTable(): FortuneTable {
  const rows = FORTUNES.map((f) => ({ ...f }));
  return { selectAll: () => rows.map((f) => ({ ...f })) };
}

/** The request's page, answered as its length and checksum (see fortunesHtml). */
export function renderFortunes(table: FortuneTable, rows: number): { rows: number; chars: number; fnv1a: number } {
  const html = fortunesHtml(table, rows);
  return { rows, chars: html.length, fnv1a: fnv1a(html) };
}

/**
 * The table's rows plus the added one, sorted by message, repeated to `rows` rows (TechEmpower's
 * 13 would be microseconds of work; a page of thousands is milliseconds), each message escaped.
 */
export function fortunesHtml(table: FortuneTable, rows: number): string {
  const fortunes = table.selectAll();
  fortunes.push(ADDED_FORTUNE);
  fortunes.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  let html = '<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>';
  for (let i = 0; i < rows; i += 1) {
    const fortune = fortunes[i % fortunes.length]!;
    html += `<tr><td>${fortune.id}</td><td>${escapeHtml(fortune.message)}</td></tr>`;
  }
  return `${html}</table></body></html>`;
}
