// `npm start [-- --port <n>] [--open]`: the lab console on 127.0.0.1. Prints one line on stdout,
// `HOTPATH_CONSOLE <url with token>`, and serves until Ctrl+C (which stops a run going, as the
// CLI's Ctrl+C does).
import { parseArgs } from 'node:util';
import { EXIT, HotpathError } from '../core/errors.js';
import { openPage } from '../lab/open-page.js';
import { stopAllServers } from '../lab/server-process.js';
import { exitWith } from '../lab/exit-with.js';
import { startConsole } from './console-server.js';

const USAGE = `usage: npm start [-- --port <n>] [--open]
  --port <n>   the console's port on 127.0.0.1 (0, the default, picks a free one)
  --open       open the console in the default browser
The console prints HOTPATH_CONSOLE <url>: open that URL (its token signs you in).`;

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new HotpathError('E_USAGE', `Expected \`--port\` to be an integer from 0 to 65535, got \`${text}\``);
  return port;
}

async function main(argv: string[]): Promise<number> {
  let values: { port?: string; open?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { port: { type: 'string' }, open: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (error) {
    throw new HotpathError('E_USAGE', `${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.agrees;
  }
  const console_ = await startConsole({ port: parsePort(values.port) });
  process.stdout.write(`HOTPATH_CONSOLE ${console_.url}\n`);
  process.stderr.write(`hotpath console on http://127.0.0.1:${console_.port}/ (open the URL above: its token signs you in) · Ctrl+C to stop\n`);
  if (values.open) process.stderr.write(`${await openPage(console_.url)}\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) {
        void stopAllServers(0).finally(() => process.exit(EXIT.interrupted));
        return;
      }
      stopping = true;
      process.stderr.write('\nstopping the console (again to force)…\n');
      void console_.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return EXIT.agrees;
}

exitWith(main(process.argv.slice(2)));
