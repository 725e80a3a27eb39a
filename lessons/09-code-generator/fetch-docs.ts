// Getting a crate's docs the slow way, every time: from the registry (a wait, then the bytes) or
// from the toolchain's file, then checked (SHA-256) and deserialized whole (JSON.parse).
import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Tracer } from '../support/trace-events.js';
import { parsedDocs, type CrateDocs, type CrateDocsJson } from './docs.js';
import { sha256, type InputsManifest } from './inputs.js';
import { DOCS_SHA256_HEADER, docsRoute } from './registry.js';
import type { GeneratorCounters } from './work-counters.js';

export type ManifestCrate = InputsManifest['crates'][number];

/** Where a run gets what it does not have cached. */
export interface DocsOrigin {
  registryUrl: string;
  inputsDir: string;
  tracer: Tracer;
  counters: GeneratorCounters;
}

/** The docs' bytes and checksum: from the registry, or (toolchain crates) from their file. */
export async function docsBytes(crate: ManifestCrate, from: DocsOrigin): Promise<{ text: Buffer; sha256: string }> {
  if (crate.origin === 'toolchain') {
    const span = from.tracer.span(`read ${crate.name}`, 'toolchain', { crate: crate.name });
    const text = await readFile(path.join(from.inputsDir, crate.file));
    span.end({ bytes: text.length });
    return { text, sha256: checked(crate.name, text, crate.sha256, from.tracer) };
  }
  from.counters.fetches += 1;
  inFlight += 1;
  from.counters.maxInFlight = Math.max(from.counters.maxInFlight, inFlight);
  const span = from.tracer.concurrent(`fetch ${crate.name}`, 'fetch', { crate: crate.name, origin: crate.origin });
  try {
    const { body, expected } = await get(`${from.registryUrl}${docsRoute(crate as ManifestCrate & { origin: 'registry' | 'local' })}`);
    span.end({ bytes: body.length });
    return { text: body, sha256: checked(crate.name, body, expected, from.tracer) };
  } finally {
    inFlight -= 1;
    span.end();
  }
}
let inFlight = 0;

/** Deserializes a crate's docs whole: every item of its index, needed or not. */
export function parseWhole(crate: ManifestCrate, text: Buffer | string, checksum: string, from: DocsOrigin): CrateDocs {
  return parsedDocs(parseDocsJson(crate, text, from), checksum);
}

export function parseDocsJson(crate: ManifestCrate, text: Buffer | string, from: DocsOrigin): CrateDocsJson {
  const span = from.tracer.span(`parse ${crate.name}`, 'parse', { crate: crate.name });
  const json = JSON.parse(typeof text === 'string' ? text : text.toString('utf8')) as CrateDocsJson;
  const items = Object.keys(json.index).length;
  from.counters.docsBytesParsed += text.length;
  from.counters.itemsParsed += items;
  span.end({ bytes: text.length, items });
  return json;
}

/** The slow way for any crate: get it, check it, parse it all. */
export async function fetchAndParse(crate: ManifestCrate, from: DocsOrigin): Promise<CrateDocs> {
  const { text, sha256: checksum } = await docsBytes(crate, from);
  return parseWhole(crate, text, checksum, from);
}

function checked(name: string, body: Buffer, expected: string, tracer: Tracer): string {
  const span = tracer.span(`hash ${name}`, 'hash', { bytes: body.length });
  const actual = sha256(body);
  span.end();
  if (actual !== expected) throw new Error(`the docs of ${name} are corrupt: SHA-256 ${actual}, expected ${expected}`);
  return actual;
}

function get(url: string): Promise<{ body: Buffer; expected: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (res.statusCode !== 200) reject(new Error(`the registry answered ${res.statusCode} for ${url}: ${body.toString().slice(0, 200)}`));
        else resolve({ body, expected: String(res.headers[DOCS_SHA256_HEADER] ?? '') });
      });
    }).on('error', reject).end();
  });
}
