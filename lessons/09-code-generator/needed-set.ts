// Step 4: the cache also remembers which crates' docs the last run needed, per project. The next
// run asks for all of them at once, before it knows it needs them: the local crates' docs are then
// made by the registry side by side, instead of one after the other as the blueprint reveals them.
import type Database from 'better-sqlite3';

export interface NeededSet {
  read(): string[] | null;
  /** Stores the set when it differs from the one read (a row written only when it changed). */
  remember(crates: readonly string[]): void;
}

export function neededSet(db: Database.Database, project: string): NeededSet {
  db.exec('CREATE TABLE IF NOT EXISTS needed_crates (project TEXT PRIMARY KEY, crates TEXT NOT NULL)');
  const select = db.prepare<[string], { crates: string }>('SELECT crates FROM needed_crates WHERE project = ?');
  const upsert = db.prepare('INSERT OR REPLACE INTO needed_crates (project, crates) VALUES (?, ?)');
  let last: string | null = null;
  return {
    read() {
      last = select.get(project)?.crates ?? null;
      return last === null ? null : (JSON.parse(last) as string[]);
    },
    remember(crates) {
      const text = JSON.stringify([...crates].sort());
      if (text !== last) upsert.run(project, text);
    },
  };
}
