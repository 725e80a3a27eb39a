// Starts lesson 4's upstream on 127.0.0.1 and prints `HOTPATH_READY port=<n> pid=<n>`.
//   node dist/server/upstream-main.js --latency-ms 20 [--port 0]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { watchParent } from './parent-watch.js';
import { formatReadyLine } from './ready-line.js';
import { createUpstream } from './upstream-app.js';

function fail(message: string): never {
  process.stderr.write(`hotpath upstream: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({ options: { 'latency-ms': { type: 'string' }, port: { type: 'string' } }, strict: true });
const latencyMs = Number(values['latency-ms'] ?? 20);
if (!Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 60_000) fail(`expected --latency-ms from 0 to 60000, got \`${values['latency-ms']}\``);
const port = Number(values.port ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`expected a port from 0 to 65535, got \`${values.port}\``);

const upstream = createUpstream({ latencyMs });
const server = createServer(upstream.handler);
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${formatReadyLine((server.address() as AddressInfo).port, process.pid)}\n`);
});
server.on('error', (error) => fail(`cannot listen on 127.0.0.1:${port}: ${error.message}`));

const stop = (): void => {
  server.closeAllConnections();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
watchParent(stop);
