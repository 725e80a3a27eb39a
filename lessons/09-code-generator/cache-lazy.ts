// Step 2: the cache keeps each crate's items as one blob of their JSON, one after the other,
// plus an offsets table (id → start, end) stored as raw 32-bit integers. Loading a crate reads
// the two blobs and deserializes nothing; an item is parsed when it is asked for, from its slice.
// The toolchain's crates go into this cache too: `core` is the biggest thing the generator reads.
import Database from 'better-sqlite3';
import { parsedDocs, type CrateDocs, type CrateDocsJson, type Item } from './docs.js';
import { cacheKey, type DocsStore } from './docs-store.js';
import { docsBytes, fetchAndParse, parseDocsJson, type DocsOrigin } from './fetch-docs.js';

interface LazyRow {
  sha256: string;
  /** `{ name, crate_version }`: the small part, parsed on load (the paths table is read only if asked). */
  meta: string;
  items: Buffer;
  /** Triples of uint32 (id, start, end), sorted by id. */
  offsets: Buffer;
}

export function lazyDocsCache(file: string, toolchain: string, from: DocsOrigin): DocsStore & { db: Database.Database } {
  const open = from.tracer.span('open cache', 'cache');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS crate_items (key TEXT PRIMARY KEY, sha256 TEXT NOT NULL, meta TEXT NOT NULL, paths TEXT NOT NULL, items BLOB NOT NULL, offsets BLOB NOT NULL)');
  const select = db.prepare<[string], LazyRow>('SELECT sha256, meta, items, offsets FROM crate_items WHERE key = ?');
  const selectPaths = db.prepare<[string], { paths: string }>('SELECT paths FROM crate_items WHERE key = ?');
  const insert = db.prepare('INSERT OR REPLACE INTO crate_items (key, sha256, meta, paths, items, offsets) VALUES (?, ?, ?, ?, ?, ?)');
  open.end();
  return {
    db,
    async load(crate): Promise<CrateDocs> {
      if (crate.origin === 'local') return fetchAndParse(crate, from);
      const key = cacheKey(crate, toolchain);
      const span = from.tracer.span(`cache get ${crate.name}`, 'cache', { crate: crate.name });
      const row = select.get(key);
      span.end({ hit: row !== undefined, bytes: row ? row.items.length + row.offsets.length : 0 });
      if (row) {
        from.counters.cacheHits += 1;
        return lazyDocs(row, () => selectPaths.get(key)!.paths, from);
      }
      from.counters.cacheMisses += 1;
      const { text, sha256 } = await docsBytes(crate, from);
      const json = parseDocsJson(crate, text, from);
      const put = from.tracer.span(`cache put ${crate.name}`, 'cache', { crate: crate.name });
      insert.run(key, sha256, ...splitItems(json));
      put.end();
      return parsedDocs(json, sha256);
    },
    close: () => db.close(),
  };
}

/** A parsed document as the cache stores it: its small part, its items' blob, their offsets. */
function splitItems(json: CrateDocsJson): [string, string, Buffer, Buffer] {
  const ids = Object.keys(json.index).map(Number).sort((a, b) => a - b);
  const parts: Buffer[] = [];
  const offsets = new Uint32Array(ids.length * 3);
  let at = 0;
  ids.forEach((id, i) => {
    const bytes = Buffer.from(JSON.stringify(json.index[String(id)]));
    parts.push(bytes);
    offsets.set([id, at, at + bytes.length], i * 3);
    at += bytes.length;
  });
  const meta = JSON.stringify({ name: json.name, crate_version: json.crate_version });
  return [meta, JSON.stringify(json.paths), Buffer.concat(parts), Buffer.from(offsets.buffer)];
}

function lazyDocs(row: LazyRow, readPaths: () => string, from: DocsOrigin): CrateDocs {
  const meta = JSON.parse(row.meta) as Pick<CrateDocsJson, 'name' | 'crate_version'>;
  let paths: CrateDocsJson['paths'] | null = null;
  // A view on the blob's bytes, not a copy (SQLite's buffer is ours to keep).
  const offsets = new Uint32Array(row.offsets.buffer, row.offsets.byteOffset, row.offsets.length / 4);
  const parsed = new Map<number, Item>();
  return {
    name: meta.name,
    version: meta.crate_version,
    sha256: row.sha256,
    item(id) {
      const known = parsed.get(id);
      if (known) return known;
      const at = findTriple(offsets, id);
      if (at < 0) throw new Error(`${meta.name} has no item ${id}`);
      const item = JSON.parse(row.items.toString('utf8', offsets[at + 1], offsets[at + 2])) as Item;
      from.counters.itemsParsed += 1;
      parsed.set(id, item);
      return item;
    },
    idOfPath(path) {
      paths ??= JSON.parse(readPaths()) as CrateDocsJson['paths'];
      const found = Object.entries(paths).find(([, parts]) => parts.join('::') === path);
      if (!found) throw new Error(`${meta.name} has no item at ${path}`);
      return Number(found[0]);
    },
  };
}

/** Binary search of the (id, start, end) triples by id: the index of the triple, or -1. */
function findTriple(offsets: Uint32Array, id: number): number {
  let low = 0;
  let high = offsets.length / 3 - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const midId = offsets[mid * 3]!;
    if (midId === id) return mid * 3;
    if (midId < id) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}
