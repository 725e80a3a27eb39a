// The Fortunes page: a Handlebars template (the well-kept engine many Express apps use), the
// rows sorted by message, each message escaped before it goes in (the template's triple braces
// insert it as it is, so the variant's own escape is the only one).
import Handlebars from 'handlebars';
import { ADDED_FORTUNE, type Fortune } from '../support/fortunes.js';

export const FORTUNES_TEMPLATE =
  '<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>' +
  '{{#each rows}}<tr><td>{{id}}</td><td>{{{html}}}</td></tr>{{/each}}</table></body></html>';

export type FortunesTemplate = (context: { rows: Array<{ id: number; html: string }> }) => string;

/** Parses and compiles the template: what a fast server does once, and a slow one per request. */
export function compileFortunesTemplate(): FortunesTemplate {
  return Handlebars.compile(FORTUNES_TEMPLATE, { noEscape: true, strict: true });
}

/** The request's page from the rows the query returned: adds id 0, sorts by message, escapes, renders. */
export function renderFortunes(rows: readonly Fortune[], template: FortunesTemplate, escape: (text: string) => string): string {
  const fortunes = [...rows, ADDED_FORTUNE];
  fortunes.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  return template({ rows: fortunes.map((f) => ({ id: f.id, html: escape(f.message) })) });
}
