// A lesson's database before its servers start (`--db`): the SQLite file under HOTPATH_HOME/db/,
// made on first use, or a throwaway PostgreSQL cluster, filled, and stopped when the run ends.
import path from 'node:path';
import { hotpathHome } from '../core/paths.js';
import type { DbSpec, Lesson } from '../core/lesson.js';
import type { DbKind } from '../core/run-options.js';
import { startPostgresCluster, sweepPostgresFolders } from './postgres-cluster.js';

export interface PreparedDb {
  spec: DbSpec;
  /** What the lesson's servers are started with: `--db-file <file>` or `--db-url <url>`. */
  serverArgs: string[];
  /** In words, for the run's header. */
  describe: string;
  /** Stops what was started (PostgreSQL's cluster, its folder removed); safe to call twice. */
  stop(): Promise<void>;
}

/** `io.diagnostics`: where the cluster's pid and port are said (stderr), like the servers'. */
export async function prepareDb(lesson: Lesson, kind: DbKind, io: { diagnostics(line: string): void }): Promise<PreparedDb> {
  const spec = lesson.database;
  if (!spec) throw new Error(`lesson ${lesson.id} has no database`);
  if (kind === 'sqlite') {
    const file = path.join(hotpathHome(), 'db', spec.sqliteFile);
    spec.ensureSqlite(file);
    return { spec: { kind, file }, serverArgs: ['--db-file', file], describe: `SQLite (${file})`, stop: async () => {} };
  }
  sweepPostgresFolders(); // what a killed runner left
  const cluster = await startPostgresCluster();
  io.diagnostics(`postgres pid=${cluster.pid} port=${cluster.port}`);
  try {
    await spec.fillPostgres(cluster.url);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return { spec: { kind, url: cluster.url }, serverArgs: ['--db-url', cluster.url], describe: `PostgreSQL, a throwaway cluster on 127.0.0.1:${cluster.port}`, stop: () => cluster.stop() };
}
