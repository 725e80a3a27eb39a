// What every variant of lesson 7 does per request: a page of `rows` fortunes (TechEmpower's rows,
// repeated), each message escaped, rendered as table rows. The variants differ only in where the
// row objects come from (allocated per request, or a pool) and in how a message is escaped.
import { ADDED_FORTUNE, FORTUNES, type Fortune } from '../support/fortunes.js';
import { fnv1a } from '../support/fnv1a.js';

/** The 13 messages of a Fortunes response, in the order a page repeats them. */
const SOURCE: readonly Fortune[] = [ADDED_FORTUNE, ...FORTUNES];

/** One row of a page while it is being rendered. */
export interface RowSlot {
  id: number;
  message: string;
  html: string;
}

/** A page's working set: its rows, reused as a whole when the page object is pooled. */
export interface PageContext {
  slots: RowSlot[];
}

export function newSlot(): RowSlot {
  return { id: 0, message: '', html: '' };
}

/** A page context with room for `rows` rows, allocated now. */
export function newPage(rows: number): PageContext {
  return { slots: Array.from({ length: rows }, newSlot) };
}

/** Fills `rows` slots with the page's fortunes (row i is source row i mod 13), adding slots a reused page lacks. */
export function fillRows(context: PageContext, rows: number): void {
  while (context.slots.length < rows) context.slots.push(newSlot());
  for (let i = 0; i < rows; i += 1) {
    const fortune = SOURCE[i % SOURCE.length]!;
    const slot = context.slots[i]!;
    slot.id = fortune.id;
    slot.message = fortune.message;
    slot.html = '';
  }
}

/**
 * Escapes each row's message, renders the rows, and answers with the page's length and checksum
 * (the page itself would make every answer 100 KB of JSON; a checksum that allocates nothing keeps
 * the allocation profile about the page).
 */
export function renderPage(context: PageContext, rows: number, escape: (text: string) => string): { rows: number; chars: number; fnv1a: number } {
  let html = '<table><tr><th>id</th><th>message</th></tr>';
  for (let i = 0; i < rows; i += 1) {
    const slot = context.slots[i]!;
    slot.html = escape(slot.message);
    html += `<tr><td>${slot.id}</td><td>${slot.html}</td></tr>`;
  }
  html += '</table>';
  return { rows, chars: html.length, fnv1a: fnv1a(html) };
}

/** Lets other requests run, as a handler that awaits its database would: several pages are in flight at once. */
export function yieldToOthers(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
