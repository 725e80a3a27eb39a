// Starts one lesson variant on 127.0.0.1 and prints `HOTPATH_READY port=<n> pid=<n>`.
//   node dist/server/main.js --lesson 2 --variant held-mutex [--port 0]
//   node dist/server/main.js --lesson 4 --variant fetch-per-request --site-dir site
//     --upstream http://127.0.0.1:PORT [--param refreshMs=1000]
// A variant with `cluster: true` runs as a node:cluster (server/cluster.ts): this process is then
// its primary, and the same command, forked, its workers.
// Exits cleanly on SIGINT/SIGTERM (so 0x and --cpu-prof write their output), and on its own
// when the runner that started it is gone.
// HOTPATH_SWAP=<variant>=<other> serves <other>'s handler under <variant>'s name: the tests use
// it to check that a verdict can fail (a "fast" variant that is really the slow one).
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { assertLoopbackTarget } from '../core/loopback.js';
import { ParamError, parseParamPairs, parseParams } from '../core/params.js';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { DbSpec, Lesson, SiteVariant, Variant } from '../core/lesson.js';
import { compiledExercise, EXERCISE_MODULE_ENV, EXERCISE_VARIANT } from '../core/paths.js';
import { findLesson } from '../lessons/catalog.js';
import { createApp } from './app.js';
import { ACCEPT_BACKLOG, failAndExit, listenOnLoopback, portFrom, stopWhenAsked } from './lab-process.js';
import { isClusterWorker, runClusterPrimary, workerLabControl } from './cluster.js';
import { availableParallelism } from 'node:os';

const fail: (message: string) => never = (message) => failAndExit('server', message);

const { values } = parseArgs({
  options: {
    lesson: { type: 'string' },
    variant: { type: 'string' },
    port: { type: 'string' },
    param: { type: 'string', multiple: true },
    'site-dir': { type: 'string' },
    upstream: { type: 'string' },
    'db-file': { type: 'string' },
    'db-url': { type: 'string' },
  },
  strict: true,
});

const lesson = findLesson(Number(values.lesson));
if (!lesson) fail(`unknown lesson \`${values.lesson ?? ''}\``);
const variant = values.variant === EXERCISE_VARIANT ? await exerciseVariant(lesson) : lesson.variants.find((candidate) => candidate.name === values.variant);
if (!variant) {
  fail(`lesson ${lesson.id} has no variant \`${values.variant ?? ''}\`; it has ${lesson.variants.map((v) => v.name).join(', ')}`);
}
const port = portFrom(values.port, fail);
const served = swappedHandler(variant, process.env.HOTPATH_SWAP);

let params;
try {
  params = parseParams(lesson.params, parseParamPairs(values.param ?? []));
} catch (error) {
  if (error instanceof ParamError) fail(error.message);
  throw error;
}
if (lesson.site && !values['site-dir']) fail(`lesson ${lesson.id} serves a site: pass --site-dir (generate one with npm run site)`);
if (lesson.site?.upstream && !values.upstream) fail(`lesson ${lesson.id} needs --upstream <url of the redirect-map server>`);
if (values.upstream) {
  try {
    assertLoopbackTarget(values.upstream); // the lab never talks to another machine
  } catch (error) {
    fail((error as Error).message);
  }
}

// A lesson with a database gets it from the runner: an SQLite file, or a PostgreSQL URL (loopback).
if (lesson.database && !values['db-file'] && !values['db-url']) fail(`lesson ${lesson.id} needs its database: --db-file <sqlite file> or --db-url <postgres url>`);
if (values['db-url']) {
  try {
    assertLoopbackTarget(values['db-url'].replace(/^postgres(ql)?:/, 'http:'));
  } catch (error) {
    fail((error as Error).message);
  }
}
const db: DbSpec | null = values['db-url'] ? { kind: 'postgres', url: values['db-url'] } : values['db-file'] ? { kind: 'sqlite', file: values['db-file'] } : null;

// A cluster variant: this process is its primary and serves nothing itself (server/cluster.ts).
if (served.cluster && !isClusterWorker()) {
  runClusterPrimary(availableParallelism(), fail);
} else {
  const { app, close } = createApp({
    lesson,
    variant: served,
    instrumented: process.env.HOTPATH_METRICS !== 'off',
    params,
    siteDir: values['site-dir'],
    upstreamUrl: values.upstream ?? null,
    db,
    ...(isClusterWorker() ? { labControl: workerLabControl } : {}),
  });

  const server = createServer(app);
  // A worker's port is its primary's, which prints the ready line once every worker listens.
  if (isClusterWorker()) {
    server.listen(port, '127.0.0.1', ACCEPT_BACKLOG);
    server.on('error', (error) => fail(`cannot listen on 127.0.0.1:${port}: ${error.message}`));
  } else listenOnLoopback(server, port, fail);

  stopWhenAsked(() => {
    close();
    server.close();
    server.closeAllConnections();
    // Exit now rather than wait for handlers queued behind a lock: the profilers write on exit.
    process.exit(0);
  });
}

/**
 * The learner's exercise as a variant: its module, compiled on its own by the runner
 * (lab/exercise-build.ts), exports `exercise`, a factory like the lesson's slow one.
 */
async function exerciseVariant(of: Lesson): Promise<Variant> {
  // The runner names the module it compiled (a test's copy, say); by default, the lesson's own.
  const file = process.env[EXERCISE_MODULE_ENV] ?? compiledExercise(of.slug);
  if (!existsSync(file)) fail(`lesson ${of.id}'s exercise is not compiled: check it with npm run lesson:${of.id} -- --exercise`);
  const module = (await import(pathToFileURL(file).href)) as { exercise?: unknown };
  if (typeof module.exercise !== 'function') fail(`${file} exports no \`exercise\` factory`);
  const factory = module.exercise as Variant['create'] & SiteVariant['serve'];
  // `export const cluster = true` serves it as a cluster, as lesson 6's fast variant is.
  const base = { name: EXERCISE_VARIANT, summary: 'your fix (exercise.ts)', cluster: (module as { cluster?: unknown }).cluster === true };
  // A variant that writes its own response (a site's, a page's) serves; one with a JSON answer creates.
  return of.variants[0]?.serve ? { ...base, serve: factory } : { ...base, create: factory };
}

/** `variant`, or with `HOTPATH_SWAP=<its name>=<other>`, `variant` with the other's handler. */
function swappedHandler(variant: Variant, swap: string | undefined): Variant {
  const [name, other, ...rest] = (swap ?? '').split('=');
  if (!swap || name !== variant.name) return variant;
  const donor = lesson!.variants.find((candidate) => candidate.name === other);
  if (!donor || rest.length > 0) fail(`HOTPATH_SWAP=${swap}: expected <variant>=<another variant of lesson ${lesson!.id}>`);
  return { ...donor, name: variant.name, summary: variant.summary };
}
