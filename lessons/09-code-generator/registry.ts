// The "registry": where the generator gets crates' docs it does not have, on 127.0.0.1. It stands
// for what was slow in the story: downloading a crate and running `cargo rustdoc` on it. A
// third-party crate's docs come after `fetchMs`; a local crate's after `rustdocMs`, because the
// project's own crates change and must be documented again on every run. Those waits are the
// registry's, not the generator's CPU: several requests wait side by side.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import path from 'node:path';
import type { InputsManifest } from './inputs.js';

export interface RegistryOptions {
  /** The inputs folder (inputs.ts). */
  dir: string;
  manifest: InputsManifest;
  fetchMs: number;
  rustdocMs: number;
}

/** The header carrying the docs' SHA-256, which the generator checks what it got against. */
export const DOCS_SHA256_HEADER = 'x-docs-sha256';

/** `/crates/hyper/1.3.1` (a third-party crate) or `/local/shop_core` (the project's own). */
export function docsRoute(crate: { name: string; version: string; origin: 'registry' | 'local' }): string {
  return crate.origin === 'local' ? `/local/${crate.name}` : `/crates/${crate.name}/${crate.version}`;
}

export function createRegistry(options: RegistryOptions): RequestListener {
  const routes = new Map(options.manifest.crates
    .filter((crate) => crate.origin !== 'toolchain')
    .map((crate) => [docsRoute(crate as { name: string; version: string; origin: 'registry' | 'local' }), crate]));
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://registry');
    const crate = req.method === 'GET' ? routes.get(url.pathname) : undefined;
    if (!crate) {
      send(res, 404, JSON.stringify({ error: `no docs at ${req.method} ${url.pathname}; try /crates/<name>/<version> or /local/<name>` }), {});
      return;
    }
    const wait = crate.origin === 'local' ? options.rustdocMs : options.fetchMs;
    setTimeout(() => {
      readFile(path.join(options.dir, crate.file)).then(
        (body) => send(res, 200, body, { [DOCS_SHA256_HEADER]: crate.sha256 }),
        (error: Error) => send(res, 500, JSON.stringify({ error: error.message }), {}),
      );
    }, wait);
  };
}

function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string>): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
