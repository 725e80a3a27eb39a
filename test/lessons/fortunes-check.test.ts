// The Fortunes check itself: a correct page passes (escaped either way the verifier accepts,
// with whitespace between tags), and each thing TechEmpower's verifier refuses is refused.
import { describe, expect, it } from 'vitest';
import { fortunesHtml, openTable } from '../../lessons/06-share-nothing/fortunes-page.js';
import { checkFortunesPage, expectedFortunes } from '../../lessons/support/fortunes-check.js';

const HEADERS = { 'content-type': 'text/html; charset=utf-8', server: 'hotpath', date: new Date().toUTCString() };
const escape = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
const page = (rows = expectedFortunes(), cell = escape): string =>
  '<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>' +
  rows.map((f) => `<tr><td>${f.id}</td><td>${cell(f.message)}</td></tr>`).join('') + '</table></body></html>';

describe('the Fortunes check', () => {
  it('passes a correct page, however its quotes are escaped and its tags spaced', () => {
    expect(checkFortunesPage(page(), HEADERS)).toEqual([]);
    expect(checkFortunesPage(page(undefined, (t) => t.replaceAll('<', '&#60;').replaceAll('>', '&#x3e;')), { ...HEADERS, 'content-type': 'text/html;charset=UTF-8' })).toEqual([]);
    expect(checkFortunesPage(page().replaceAll('><', '>\n  <'), HEADERS)).toEqual([]);
    expect(expectedFortunes().map((f) => f.id)).toEqual([11, 4, 5, 2, 8, 0, 3, 7, 10, 6, 9, 1, 12]);
    // Lesson 6's page at TechEmpower's size is a real Fortunes page (escape-html writes ' as &#39;).
    expect(checkFortunesPage(fortunesHtml(openTable(), 13), HEADERS)).toEqual([]);
  });

  it('refuses a raw <script>, a missing or extra row, the wrong order, a broken UTF-8 row and wrong headers', () => {
    expect(checkFortunesPage(page(undefined, (t) => t), HEADERS).join('\n')).toMatch(/row 1: message|rows, not 13/);
    expect(checkFortunesPage(page(expectedFortunes().slice(1)), HEADERS)).toContain('12 rows, not 13');
    expect(checkFortunesPage(page([...expectedFortunes(), { id: 13, message: 'extra' }]), HEADERS)).toContain('14 rows, not 13');
    expect(checkFortunesPage(page([...expectedFortunes()].reverse()), HEADERS).join('\n')).toMatch(/row 1: id 12, expected 11/);
    expect(checkFortunesPage(page(undefined, (t) => escape(t).replace('ベ', '?')), HEADERS).join('\n')).toMatch(/row 13: message/);
    expect(checkFortunesPage(page(), { ...HEADERS, 'content-type': 'text/html', server: undefined })).toEqual([
      'Content-Type is `text/html`, not text/html; charset=utf-8', 'no Server header',
    ]);
    expect(checkFortunesPage(page().replace('<title>Fortunes</title>', '<title>Fortune</title>'), HEADERS).join('\n')).toMatch(/does not open as Fortunes should/);
  });
});
