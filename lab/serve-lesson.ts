// Serve mode: one variant of a lesson on 127.0.0.1, with what it needs (the site, the upstream),
// until Ctrl+C. No load, no record: for curl, a browser, or one's own locustfile.
import { once } from 'node:events';
import { createServer } from 'node:net';
import { HotpathError } from '../core/errors.js';
import type { Lesson, Variant } from '../core/lesson.js';
import { toQueryString, type Params } from '../core/params.js';
import { formatServingLine } from '../core/ready-line.js';
import { variantPath } from '../server/app.js';
import type { RunIo } from './measure-point.js';
import { lessonServerArgs, startServer, stopAllServers } from './server-process.js';
import { prepareSite } from './site-setup.js';
import { prepareDb, type PreparedDb } from './db-setup.js';
import type { DbKind } from '../core/run-options.js';

export interface ServeOptions {
  /** The variant's name, as in `--help`. */
  variant: string;
  /** 0: any free port. */
  port: number;
  params: Params;
  verbose: boolean;
  /** A lesson with a database: which one (null for the others). */
  db: DbKind | null;
}

/** The variant by name, or a usage error that lists the lesson's variants. */
export function findVariant(lesson: Lesson, name: string): Variant {
  const variant = lesson.variants.find((candidate) => candidate.name === name);
  if (variant) return variant;
  throw new HotpathError('E_USAGE', `Lesson ${lesson.id} has no variant \`${name}\`; its variants are ${lesson.variants.map((v) => v.name).join(', ')}`);
}

/**
 * Serves until `io.signal` aborts (Ctrl+C), then stops every process it started. Prints
 * `HOTPATH_SERVING <url>` on `stdout` once its server is ready. Throws if the server dies first.
 */
export async function serveLesson(lesson: Lesson, options: ServeOptions, io: RunIo, stdout: NodeJS.WritableStream): Promise<void> {
  const variant = findVariant(lesson, options.variant);
  if (options.port !== 0) await assertPortFree(options.port);
  const t = io.terminal;
  let db: PreparedDb | null = null;
  try {
    const site = lesson.site ? await prepareSite(lesson, { params: options.params, runDir: null, verbose: options.verbose }, io) : null;
    db = lesson.database ? await prepareDb(lesson, options.db ?? 'sqlite', io) : null;
    const server = await startServer({
      args: lessonServerArgs(lesson.id, variant.name, [...(site?.serverArgs ?? []), ...(db?.serverArgs ?? [])], options.port),
      label: variant.name,
      runDir: null,
      profiler: null,
      clinic: null,
      verbose: options.verbose,
    });
    io.diagnostics(`server ${variant.name} pid=${server.pid} port=${server.port}`);
    // A site variant answers for the whole site below its mount point; a JSON one reads its query.
    const path = variantPath(lesson, variant);
    const url = `http://127.0.0.1:${server.port}${site ? `${path}/` : `${path}${toQueryString(options.params)}`}`;
    stdout.write(`${formatServingLine(url)}\n`);
    t.line(`${t.paint('bold', `hotpath · lesson ${lesson.id} · ${variant.name}`)} serving at ${t.paint('cyan', url)}`);
    t.line(t.paint('dim', `  ${variant.summary}`));
    if (db) t.line(t.paint('dim', `  database: ${db.describe}`));
    for (const example of examples(url, site?.mix ?? null)) t.line(t.paint('dim', `  try: ${example}`));
    t.line(t.paint('dim', `  metrics: http://127.0.0.1:${server.port}/__lab/metrics · Ctrl+C to stop`));
    if (io.signal?.aborted) return;
    const stopped = io.signal ? once(io.signal, 'abort').then(() => null) : new Promise<never>(() => {});
    const exits = [server, ...(site?.upstream ? [site.upstream] : [])].map((p) => p.exited.then((code) => ({ label: p.label, code })));
    const died = await Promise.race([stopped, ...exits]);
    if (died) throw new HotpathError('E_SERVER', `the ${died.label} server exited (code ${died.code}) while serving`);
  } finally {
    await stopAllServers();
    await db?.stop(); // after the servers: they hold connections to it
  }
}

/** A port someone else holds is a usage error (pick another), not a server that failed. */
async function assertPortFree(port: number): Promise<void> {
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HotpathError('E_USAGE', `Port ${port} on 127.0.0.1 is ${code === 'EADDRINUSE' ? 'in use' : `not available (${code})`}; pick another with --port, or 0 for any free one`);
  }
  await new Promise((resolve) => probe.close(resolve));
}

/** Commands a person can paste: the endpoint itself, and for a site a file and a revalidation. */
function examples(url: string, mix: readonly string[] | null): string[] {
  if (!mix) return [`curl -s '${url}'`];
  const file = mix.find((p) => /\.(html|css|js)$/.test(p)) ?? mix[0] ?? 'index.html';
  const fileUrl = `${url}${file.replace(/^\//, '')}`;
  return [`curl -sI '${fileUrl}'`, `curl -sI -H 'If-None-Match: <the ETag above>' '${fileUrl}'`];
}
