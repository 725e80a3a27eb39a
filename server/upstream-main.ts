// Starts lesson 4's upstream on 127.0.0.1 and prints `HOTPATH_READY port=<n> pid=<n>`.
//   node dist/server/upstream-main.js --latency-ms 20 [--port 0]
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { failAndExit, listenOnLoopback, portFrom, stopWhenAsked } from './lab-process.js';
import { createUpstream } from './upstream-app.js';

const fail: (message: string) => never = (message) => failAndExit('upstream', message);

const { values } = parseArgs({ options: { 'latency-ms': { type: 'string' }, port: { type: 'string' } }, strict: true });
const latencyMs = Number(values['latency-ms'] ?? 20);
if (!Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 60_000) fail(`expected --latency-ms from 0 to 60000, got \`${values['latency-ms']}\``);

const server = createServer(createUpstream({ latencyMs }).handler);
listenOnLoopback(server, portFrom(values.port, fail), fail);
stopWhenAsked(() => {
  server.closeAllConnections();
  process.exit(0);
});
