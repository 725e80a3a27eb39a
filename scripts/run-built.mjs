// `npm run lesson -- 2` and the other entry points: compile the TypeScript if a source changed
// (build-if-stale.mjs), then run the compiled entry in this same process. Only a failed build
// prints the compile-error line; a normal run prints nothing of this script.
//   node scripts/run-built.mjs <entry under dist/, e.g. lab/cli.js> [its arguments…]
// Plain JavaScript, because it runs before there is any compiled code.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: node scripts/run-built.mjs <entry under dist/> [arguments…]\n');
  process.exit(2);
}
// The build's own output (tsc's errors) goes to stderr, so that --json keeps stdout for the record.
const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-if-stale.mjs')], { cwd: root, stdio: ['ignore', 2, 2] });
if (build.signal) process.exit(130); // Ctrl+C during the build
if (build.status !== 0) {
  process.stderr.write('hotpath: the TypeScript does not compile (errors above); fix it and run again\n');
  process.exit(2);
}
// As if node had been started on the entry itself: argv[1] is its file (a module may check it),
// argv.slice(2) its own arguments.
const file = path.join(root, 'dist', entry);
process.argv.splice(1, 2, file);
await import(pathToFileURL(file).href);
