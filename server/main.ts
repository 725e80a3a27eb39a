// Starts one lesson variant on 127.0.0.1 and prints `HOTPATH_READY port=<n> pid=<n>`.
//   node dist/server/main.js --lesson 2 --variant held-mutex [--port 0]
//   node dist/server/main.js --lesson 4 --variant fetch-per-request --site-dir site
//     --upstream http://127.0.0.1:PORT [--param refreshMs=1000]
// Exits cleanly on SIGINT/SIGTERM (so 0x and --cpu-prof write their output), and on its own
// when the runner that started it is gone.
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { findLesson } from '../lessons/catalog.js';
import { createApp } from './app.js';
import { watchParent } from './parent-watch.js';
import { ParamError, parseParams } from './params.js';
import { formatReadyLine } from './ready-line.js';

function fail(message: string): never {
  process.stderr.write(`hotpath server: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    lesson: { type: 'string' },
    variant: { type: 'string' },
    port: { type: 'string' },
    param: { type: 'string', multiple: true },
    'site-dir': { type: 'string' },
    upstream: { type: 'string' },
  },
  strict: true,
});

const lesson = findLesson(Number(values.lesson));
if (!lesson) fail(`unknown lesson \`${values.lesson ?? ''}\``);
const variant = lesson.variants.find((candidate) => candidate.name === values.variant);
if (!variant) {
  fail(`lesson ${lesson.id} has no variant \`${values.variant ?? ''}\`; it has ${lesson.variants.map((v) => v.name).join(', ')}`);
}
const port = Number(values.port ?? process.env.PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`expected a port from 0 to 65535, got \`${values.port ?? process.env.PORT}\``);

const rawParams: Record<string, string> = {};
for (const pair of values.param ?? []) {
  const [name = '', ...rest] = pair.split('=');
  if (name in rawParams) fail(`--param ${name} given twice`);
  rawParams[name] = rest.join('=');
}
let params;
try {
  params = parseParams(lesson.params, rawParams);
} catch (error) {
  if (error instanceof ParamError) fail(error.message);
  throw error;
}
if (lesson.site && !values['site-dir']) fail(`lesson ${lesson.id} serves a site: pass --site-dir (generate one with npm run site)`);
if (lesson.site?.upstream && !values.upstream) fail(`lesson ${lesson.id} needs --upstream <url of the redirect-map server>`);

const { app, close } = createApp({
  lesson,
  variant,
  instrumented: process.env.HOTPATH_METRICS !== 'off',
  params,
  siteDir: values['site-dir'],
  upstreamUrl: values.upstream ?? null,
});

const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address() as AddressInfo;
  process.stdout.write(`${formatReadyLine(address.port, process.pid)}\n`);
});
server.on('error', (error) => fail(`cannot listen on 127.0.0.1:${port}: ${error.message}`));

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  close();
  server.close();
  server.closeAllConnections();
  // Exit now rather than wait for handlers queued behind a lock: the profilers write on exit.
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// Under 0x our parent is 0x, not the runner, so the runner passes its own pid too.
watchParent(stop);
