// Starts lesson 9's registry on 127.0.0.1 and prints `HOTPATH_READY port=<n> pid=<n>`.
//   node dist/server/registry-main.js --inputs <dir> --fetch-ms 60 --rustdoc-ms 200 [--port 0]
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { readInputsManifest } from '../lessons/09-code-generator/inputs.js';
import { createRegistry } from '../lessons/09-code-generator/registry.js';
import { failAndExit, listenOnLoopback, portFrom, stopWhenAsked } from './lab-process.js';

const fail: (message: string) => never = (message) => failAndExit('registry', message);

const { values } = parseArgs({ options: { inputs: { type: 'string' }, 'fetch-ms': { type: 'string' }, 'rustdoc-ms': { type: 'string' }, port: { type: 'string' } }, strict: true });
const millis = (name: 'fetch-ms' | 'rustdoc-ms'): number => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 0 || value > 60_000) fail(`expected --${name} from 0 to 60000, got \`${values[name]}\``);
  return value;
};
const dir = values.inputs ?? fail('expected --inputs <dir>');
const manifest = (await readInputsManifest(dir)) ?? fail(`no inputs in ${dir}`);
const server = createServer(createRegistry({ dir, manifest, fetchMs: millis('fetch-ms'), rustdocMs: millis('rustdoc-ms') }));
listenOnLoopback(server, portFrom(values.port, fail), fail);
stopWhenAsked(() => {
  server.closeAllConnections();
  process.exit(0);
});
