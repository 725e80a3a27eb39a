// Lesson 8's pieces: its SQLite file is made on first
// use and holds TechEmpower's rows, and a page rendered from any connection passes the Fortunes
// check, with either escape. PostgreSQL's side runs where PostgreSQL is installed (CI installs it).
import escapeHtml from 'escape-html';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, ensureSqliteFortunes, fillPostgresFortunes, SELECT_FORTUNES } from '../../lessons/08-fortunes/fortune-db.js';
import { compileFortunesTemplate, renderFortunes } from '../../lessons/08-fortunes/page.js';
import { escapeChained } from '../../lessons/support/escape-chained.js';
import { checkFortunesPage } from '../../lessons/support/fortunes-check.js';
import { FORTUNES } from '../../lessons/support/fortunes.js';
import { findPostgresBin, startPostgresCluster } from '../../lab/postgres-cluster.js';
import { withInProcessApp } from '../../lab/equivalence.js';
import type { DbSpec, Lesson, MeasuredPoint, Variant } from '../../core/lesson.js';
import { overallOutcome } from '../../core/checks.js';
import { findLesson } from '../../lessons/catalog.js';
import { connectPerRequest } from '../../lessons/08-fortunes/slow.js';
import { connectionPerWorker } from '../../lessons/08-fortunes/connection-per-worker.js';
import { precompiledTemplate } from '../../lessons/08-fortunes/precompiled-template.js';
import { preparedOnce } from '../../lessons/08-fortunes/fast.js';

const HEADERS = { 'content-type': 'text/html; charset=utf-8', server: 'hotpath', date: new Date().toUTCString() };
const home = mkdtempSync(path.join(os.tmpdir(), 'hotpath-test-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** The four variants, in order, each in its own in-process app, asked for the page twice. */
const VARIANTS: Variant[] = [
  { name: 'connect-per-request', summary: '', serve: connectPerRequest },
  { name: 'connection-per-worker', summary: '', serve: connectionPerWorker },
  { name: 'precompiled-template', summary: '', serve: precompiledTemplate },
  { name: 'prepared-once', summary: '', serve: preparedOnce },
];
const draft = { id: 8, slug: '08-fortunes', params: [], variants: VARIANTS } as unknown as Lesson;

async function servePages(db: DbSpec): Promise<Array<{ variant: string; body: string }>> {
  const pages = [];
  for (const variant of VARIANTS) {
    pages.push(await withInProcessApp({ lesson: draft, variant, db }, async (port, mount) => {
      for (let i = 0; i < 2; i += 1) {
        const response = await fetch(`http://127.0.0.1:${port}${mount}`);
        const body = await response.text();
        expect(response.status, variant.name).toBe(200);
        expect(checkFortunesPage(body, Object.fromEntries(response.headers)), variant.name).toEqual([]);
        if (i === 1) return { variant: variant.name, body };
      }
      throw new Error('unreachable');
    }));
  }
  return pages;
}

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

  it('every variant serves a page that passes the Fortunes check, the same page, with its headers', async () => {
    const file = path.join(home, 'db', 'fortunes.sqlite');
    ensureSqliteFortunes(file);
    const pages = await servePages({ kind: 'sqlite', file });
    expect(new Set(pages.map((p) => p.body)).size).toBe(1);
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
      expect(new Set((await servePages({ kind: 'postgres', url: cluster.url })).map((p) => p.body)).size).toBe(1);
    } finally {
      await cluster.stop();
    }
  });
});

describe('lesson 8: verdict', () => {
  const lesson = findLesson(8)!;
  const base = { latencyMs: { p50: 1, p90: 1, p99: 1, max: 1 }, gcMsPerRequest: 0.01, allocBytesPerRequest: 1000, lockWait: null, bytesPerSec: 0, workPerRequest: {}, memory: null, serverCpuPct: 100, generatorCpuPct: 20 };
  const point = (variant: string, rps: number[], cpuMsPerRequest: number): MeasuredPoint => {
    const rounds = rps.map((r) => ({ ...base, rps: r, cpuMsPerRequest }));
    return { ...rounds[0]!, label: variant, variant, connections: 16, rounds, spread: { rpsMin: Math.min(...rps), rpsMax: Math.max(...rps) } };
  };
  const judge = (cpu: [number, number, number, number], rps: [number, number, number, number]) => {
    const names = ['connect-per-request', 'connection-per-worker', 'precompiled-template', 'prepared-once'];
    const verdict = lesson.verdict({ params: {}, connections: 16, thinkTimeMs: 0, ceiling: null, points: names.map((n, i) => point(n, [rps[i]!, rps[i]! * 1.05], cpu[i]!)) });
    return { ...verdict, outcome: overallOutcome(verdict.checks) };
  };

  it('agrees when the last serves 1.5x the first, and names the step that saved clearly the most CPU', () => {
    const postgresLike = judge([4.4, 0.63, 0.25, 0.22], [150, 1660, 4140, 4640]);
    expect(postgresLike.outcome).toBe('agrees');
    expect(postgresLike.notes.join('\n')).toMatch(/the change that mattered most here: a connection and its prepared statement per worker/);
    const sqliteLike = judge([1.2, 0.7, 0.25, 0.24], [960, 1940, 4710, 4320]);
    expect(sqliteLike.notes.join('\n')).toMatch(/about alike: a connection and its prepared statement per worker, and the template compiled once/);
  });

  it('disagrees when the last serves no more than the first', () => {
    expect(judge([1, 1, 1, 1], [900, 910, 905, 895]).outcome).toBe('disagrees');
  });
});
