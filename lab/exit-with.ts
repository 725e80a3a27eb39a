// How a command-line entry ends: its promise's exit code, or one line for a known error (its
// exit code), or the stack of a bug (exit 3) after stopping any lesson server it started.
import { EXIT, HotpathError } from '../core/errors.js';
import { stopAllServers } from './server-process.js';

export function exitWith(main: Promise<number>): void {
  main.then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof HotpathError) {
        process.stderr.write(`hotpath: ${error.message}\n`);
        process.exit(error.exitCode);
      }
      process.stderr.write(`hotpath: internal error (a bug, please report it with this stack):\n${(error as Error).stack ?? String(error)}\n`);
      void stopAllServers(0).finally(() => process.exit(EXIT.internal));
    },
  );
}
