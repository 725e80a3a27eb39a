// Step 1: an on-disk cache of third-party crates' docs (SQLite, better-sqlite3), as they came from
// the registry. A warm run skips the registry's wait, but still deserializes every crate whole,
// and still reads and parses the toolchain's docs from their files.
import Database from 'better-sqlite3';
import type { CrateDocs } from './docs.js';
import { cacheKey, type DocsStore } from './docs-store.js';
import { docsBytes, fetchAndParse, parseWhole, type DocsOrigin } from './fetch-docs.js';

export function wholeDocsCache(file: string, toolchain: string, from: DocsOrigin): DocsStore {
  const open = from.tracer.span('open cache', 'cache');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS crate_docs (key TEXT PRIMARY KEY, sha256 TEXT NOT NULL, json TEXT NOT NULL)');
  const select = db.prepare<[string], { sha256: string; json: string }>('SELECT sha256, json FROM crate_docs WHERE key = ?');
  const insert = db.prepare('INSERT OR REPLACE INTO crate_docs (key, sha256, json) VALUES (?, ?, ?)');
  open.end();
  return {
    async load(crate): Promise<CrateDocs> {
      if (crate.origin !== 'registry') return fetchAndParse(crate, from);
      const key = cacheKey(crate, toolchain);
      const span = from.tracer.span(`cache get ${crate.name}`, 'cache', { crate: crate.name });
      const row = select.get(key);
      span.end({ hit: row !== undefined });
      if (row) {
        from.counters.cacheHits += 1;
        return parseWhole(crate, row.json, row.sha256, from);
      }
      from.counters.cacheMisses += 1;
      const { text, sha256 } = await docsBytes(crate, from);
      const put = from.tracer.span(`cache put ${crate.name}`, 'cache', { crate: crate.name });
      insert.run(key, sha256, text.toString('utf8'));
      put.end();
      return parseWhole(crate, text, sha256, from);
    },
    close: () => db.close(),
  };
}
