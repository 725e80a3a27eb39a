// Checks a Fortunes response as TechEmpower's verifier does (its rules, our code): the headers,
// the page's frame (title, header row), and the 13 rows, in message order, each message escaped
// where it must be (`<` never raw; entities, named or numeric, decoded before comparing) and
// its UTF-8 intact. Lesson 8's tests and its runner's equivalence step both call it.
import { ADDED_FORTUNE, FORTUNES, type Fortune } from './fortunes.js';

/** The rows a correct page lists: TechEmpower's 12 and the added one, by message (code-unit order). */
export function expectedFortunes(): Fortune[] {
  return [...FORTUNES, ADDED_FORTUNE].sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}

const HEAD = '<!doctype html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>';
const TAIL = '</table></body></html>';
const ROW = /<tr><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Named (the five of HTML's core) and numeric character references, decoded. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/**
 * What is wrong with a Fortunes response; an empty list means it passes. `headers`: lower-case
 * names. Whitespace between tags and the doctype's case do not matter, as for the verifier.
 */
export function checkFortunesPage(body: string, headers: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (!/^text\/html; ?charset=utf-8$/i.test(headers['content-type'] ?? '')) problems.push(`Content-Type is \`${headers['content-type'] ?? ''}\`, not text/html; charset=utf-8`);
  if (!headers.server) problems.push('no Server header');
  if (!headers.date) problems.push('no Date header');
  const page = body.replace(/>\s+</g, '><').trim().replace(/^<!doctype html>/i, '<!doctype html>');
  if (!page.startsWith(HEAD)) problems.push(`the page does not open as Fortunes should: ${HEAD}`);
  if (!page.endsWith(TAIL)) problems.push(`the page does not close with ${TAIL}`);
  const rows = [...page.slice(HEAD.length, page.length - TAIL.length).matchAll(ROW)];
  const expected = expectedFortunes();
  if (rows.length !== expected.length) problems.push(`${rows.length} rows, not ${expected.length}`);
  expected.forEach((fortune, i) => {
    const row = rows[i];
    if (!row) return;
    const [, id, message] = row as unknown as [string, string, string];
    if (id.trim() !== String(fortune.id)) problems.push(`row ${i + 1}: id ${id}, expected ${fortune.id} (rows sorted by message)`);
    if (decodeEntities(message) !== fortune.message) problems.push(`row ${i + 1}: message \`${message}\`, expected \`${fortune.message}\`, escaped`);
  });
  // The rows must be the page's only content: nothing between or around them.
  const rest = page.slice(HEAD.length, page.length - TAIL.length).replace(ROW, '');
  if (rest !== '' && rows.length > 0) problems.push(`unexpected content between the rows: \`${rest.slice(0, 80)}\``);
  return problems;
}
