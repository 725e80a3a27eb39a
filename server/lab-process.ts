// What every lab process (a lesson server, the upstream) does the same way: fail with one line
// and exit 2, read its port, announce itself with the ready line, and stop on a signal or when
// the runner that started it is gone.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TIMING } from '../core/defaults.js';
import { formatReadyLine } from '../core/ready-line.js';
import { watchParent } from './parent-watch.js';

export function failAndExit(who: string, message: string): never {
  process.stderr.write(`hotpath ${who}: ${message}\n`);
  process.exit(2);
}

/** A port from a flag (or $PORT), 0 meaning any free one. */
export function portFrom(text: string | undefined, fail: (message: string) => never): number {
  const port = Number(text ?? process.env.PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`expected a port from 0 to 65535, got \`${text ?? process.env.PORT}\``);
  return port;
}

/**
 * Connections the kernel may queue before the server accepts them. Node's default, 511, is less
 * than the 1000 connections lesson 1 opens at once: the rest had their handshake dropped and
 * retried a second or more later, inside the measured window (see lessons/01-measure-first).
 * Linux caps it at net.core.somaxconn (4096 on this machine).
 */
export const ACCEPT_BACKLOG = 2048;

/** Listens on 127.0.0.1 and prints `HOTPATH_READY port=<n> pid=<n>` once it does. */
export function listenOnLoopback(server: Server, port: number, fail: (message: string) => never): void {
  server.listen(port, '127.0.0.1', ACCEPT_BACKLOG, () => {
    process.stdout.write(`${formatReadyLine((server.address() as AddressInfo).port, process.pid)}\n`);
  });
  server.on('error', (error) => fail(`cannot listen on 127.0.0.1:${port}: ${error.message}`));
}

/**
 * Runs `stop` once, on SIGINT, SIGTERM, when the parent or the runner is gone, or when nobody
 * reads our output any more (EPIPE: the runner died). `stop` should exit; if the exit stalls,
 * the process kills itself after a while, so it can never outlive its runner for long.
 */
export function stopWhenAsked(stop: () => void): void {
  let stopping = false;
  const once = (): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), TIMING.stopStallMs).unref();
    stop();
  };
  process.on('SIGINT', once);
  process.on('SIGTERM', once);
  process.stdout.on('error', once);
  process.stderr.on('error', once);
  // Under 0x our parent is 0x, not the runner, so the runner passes its own identity too.
  watchParent(once);
}
