// Lesson 8's database: TechEmpower's `fortune` table, on SQLite (embedded, the default: a file
// made on first use) or on a real PostgreSQL (a throwaway cluster the runner starts). A variant
// sees a `FortuneDb`: it connects (a connection is what the story's workers each keep), prepares
// the one query, and runs it. What a variant does once and what it does per request is the lesson.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import type { DbSpec } from '../../core/lesson.js';
import { FORTUNES, type Fortune } from '../support/fortunes.js';

/** The one query of a Fortunes request: every row, however many there are. */
export const SELECT_FORTUNES = 'SELECT id, message FROM fortune';


/** A prepared query on one connection. */
export interface FortuneStatement {
  all(): Promise<Fortune[]>;
}

export interface FortuneConnection {
  prepare(sql: string): FortuneStatement;
  close(): Promise<void>;
}

export function connect(db: DbSpec): FortuneConnection {
  return db.kind === 'sqlite' ? connectSqlite(db.file) : connectPostgres(db.url);
}

/**
 * better-sqlite3 is synchronous: a query runs on the event loop and nothing else does meanwhile
 * (a few microseconds for 12 rows from the page cache; the README says what a slow one costs).
 */
function connectSqlite(file: string): FortuneConnection {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  return {
    prepare(sql) {
      const statement = db.prepare<[], Fortune>(sql);
      return { all: async () => statement.all() };
    },
    close: async () => void db.close(),
  };
}

/**
 * `postgres` (porsager): one connection (`max: 1`), as TechEmpower's fastest JavaScript entries
 * keep per worker. It prepares a query the first time that connection runs it and reuses it after;
 * a new connection prepares again.
 */
function connectPostgres(url: string): FortuneConnection {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  return {
    prepare(text) {
      return { all: async () => (await sql.unsafe<Fortune[]>(text, [], { prepare: true })).map((row) => ({ id: Number(row.id), message: row.message })) };
    },
    close: () => sql.end({ timeout: 1 }),
  };
}

/** The rows as TechEmpower's setup script inserts them. */
const CREATE = 'CREATE TABLE fortune (id integer NOT NULL PRIMARY KEY, message varchar(2048) NOT NULL)';

/**
 * Makes the SQLite file on first use: written under a temporary name and renamed, so a server
 * never opens half a database, and two runners starting together both end with a whole one.
 */
export function ensureSqliteFortunes(file: string): void {
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  rmSync(temp, { force: true });
  const db = new Database(temp);
  try {
    db.exec(CREATE);
    const insert = db.prepare('INSERT INTO fortune (id, message) VALUES (?, ?)');
    db.transaction(() => FORTUNES.forEach((f) => insert.run(f.id, f.message)))();
  } finally {
    db.close();
  }
  renameSync(temp, file);
}

/** Creates and fills the table in a fresh PostgreSQL database. */
export async function fillPostgresFortunes(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(CREATE);
    for (const f of FORTUNES) await sql`INSERT INTO fortune (id, message) VALUES (${f.id}, ${f.message})`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}
