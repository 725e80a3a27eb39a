// Lesson 8's pieces (the lesson itself is not registered yet): its SQLite file is made on first
// use and holds TechEmpower's rows, and a page rendered from any connection passes the Fortunes
// check, with either escape. PostgreSQL's side runs where PostgreSQL is installed (CI installs it).
import escapeHtml from 'escape-html';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, ensureSqliteFortunes, fillPostgresFortunes, SELECT_FORTUNES } from '../../lessons/08-fortunes/fortune-db.js';
import { compileFortunesTemplate, renderFortunes } from '../../lessons/08-fortunes/page.js';
import { escapeChained } from '../../lessons/07-pools-and-escaping/escape-chained.js';
import { checkFortunesPage } from '../../lessons/support/fortunes-check.js';
import { FORTUNES } from '../../lessons/support/fortunes.js';
import { findPostgresBin, startPostgresCluster } from '../../lab/postgres-cluster.js';

const HEADERS = { 'content-type': 'text/html; charset=utf-8', server: 'hotpath', date: new Date().toUTCString() };
const home = mkdtempSync(path.join(os.tmpdir(), 'hotpath-test-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('lesson 8: the database and the page', () => {
  it('makes the SQLite file once, with TechEmpower\'s 12 rows, and a page from it passes the Fortunes check', async () => {
    const file = path.join(home, 'db', 'fortunes.sqlite');
    ensureSqliteFortunes(file);
    ensureSqliteFortunes(file); // already there: left as it is
    const connection = connect({ kind: 'sqlite', file });
    try {
      const rows = await connection.prepare(SELECT_FORTUNES).all();
      expect(rows.sort((a, b) => a.id - b.id)).toEqual([...FORTUNES]);
      for (const escape of [escapeChained, escapeHtml]) {
        expect(checkFortunesPage(renderFortunes(rows, compileFortunesTemplate(), escape), HEADERS)).toEqual([]);
      }
    } finally {
      await connection.close();
    }
  });

  it.skipIf(findPostgresBin() === null)('reads the same rows from a real PostgreSQL', { timeout: 30_000 }, async () => {
    const cluster = await startPostgresCluster();
    try {
      await fillPostgresFortunes(cluster.url);
      const connection = connect({ kind: 'postgres', url: cluster.url });
      const statement = connection.prepare(SELECT_FORTUNES);
      const rows = await statement.all();
      expect(await statement.all()).toEqual(rows); // prepared once, run again
      await connection.close();
      expect(rows.sort((a, b) => a.id - b.id)).toEqual([...FORTUNES]);
      expect(checkFortunesPage(renderFortunes(rows, compileFortunesTemplate(), escapeHtml), HEADERS)).toEqual([]);
    } finally {
      await cluster.stop();
    }
  });
});
