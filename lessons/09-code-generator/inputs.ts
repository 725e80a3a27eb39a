// The lesson's inputs, made once and the same on every machine (a seeded generator, nothing
// downloaded): the docs of every crate the project depends on, and the project's blueprint. The
// registry serves the third-party and local crates' docs; the toolchain's docs are files, as
// rustup installs them. Made under HOTPATH_HOME; their making is never timed.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CrateDocsJson, Item, TypeRef } from './docs.js';

/** Bumped when the inputs change shape: a folder from another version is made again. */
export const INPUTS_VERSION = 2;
const MANIFEST = 'manifest.json';

export type CrateOrigin = 'toolchain' | 'registry' | 'local';

interface CratePlan {
  name: string;
  version: string;
  origin: CrateOrigin;
  /** Items in its index: what its docs weigh. */
  items: number;
  /** Public types the project's code names, ids 1, 2, … in order. */
  types: string[];
  /** Crates its types' fields refer to. */
  uses: string[];
}

/**
 * The project's dependencies. The toolchain's `core` is the heavy one, as in the story (40 MB of
 * JSON there; 13 MB here); the local crates are small but must be documented on every run.
 */
export const CRATES: readonly CratePlan[] = [
  { name: 'core', version: '1.78.0', origin: 'toolchain', items: 24_000, types: ['option::Option', 'result::Result', 'time::Duration', 'num::NonZeroU64'], uses: [] },
  { name: 'alloc', version: '1.78.0', origin: 'toolchain', items: 6_000, types: ['vec::Vec', 'string::String', 'sync::Arc', 'boxed::Box'], uses: ['core'] },
  { name: 'std', version: '1.78.0', origin: 'toolchain', items: 8_000, types: ['collections::HashMap', 'net::SocketAddr', 'path::PathBuf', 'io::Error'], uses: ['core', 'alloc'] },
  { name: 'hyper', version: '1.3.1', origin: 'registry', items: 2_400, types: ['Request', 'Response', 'body::Incoming', 'Error'], uses: ['http', 'bytes', 'core', 'alloc'] },
  { name: 'http', version: '1.1.0', origin: 'registry', items: 1_800, types: ['HeaderMap', 'Method', 'Uri', 'StatusCode'], uses: ['bytes', 'alloc', 'core'] },
  { name: 'bytes', version: '1.6.0', origin: 'registry', items: 900, types: ['Bytes', 'BytesMut'], uses: ['alloc', 'core'] },
  { name: 'serde', version: '1.0.203', origin: 'registry', items: 1_500, types: ['de::Error', 'ser::Error'], uses: ['core', 'alloc'] },
  { name: 'serde_json', version: '1.0.117', origin: 'registry', items: 1_200, types: ['Value', 'Map', 'Error'], uses: ['serde', 'alloc', 'std'] },
  { name: 'tokio', version: '1.38.0', origin: 'registry', items: 3_000, types: ['sync::Mutex', 'sync::RwLock', 'task::JoinHandle', 'time::Instant'], uses: ['std', 'core'] },
  { name: 'tracing', version: '0.1.40', origin: 'registry', items: 1_000, types: ['Span', 'Level'], uses: ['core'] },
  { name: 'uuid', version: '1.8.0', origin: 'registry', items: 700, types: ['Uuid'], uses: ['core'] },
  { name: 'time', version: '0.3.36', origin: 'registry', items: 1_600, types: ['OffsetDateTime', 'Date'], uses: ['core'] },
  { name: 'url', version: '2.5.0', origin: 'registry', items: 800, types: ['Url', 'ParseError'], uses: ['alloc', 'core'] },
  { name: 'mime', version: '0.3.17', origin: 'registry', items: 500, types: ['Mime'], uses: ['alloc'] },
  { name: 'cookie', version: '0.18.1', origin: 'registry', items: 700, types: ['Cookie', 'CookieJar'], uses: ['time', 'alloc'] },
  { name: 'px_runtime', version: '0.1.0', origin: 'local', items: 300, types: ['Request', 'Session', 'Config', 'Error'], uses: ['hyper', 'http', 'cookie', 'alloc'] },
  { name: 'shop_core', version: '0.1.0', origin: 'local', items: 200, types: ['CartPage', 'Catalog', 'Order', 'AppError'], uses: ['px_runtime', 'serde_json', 'uuid', 'alloc', 'std'] },
];

/** One route of the project's blueprint: a method, a path, and the handler it calls. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** `shop_core::<module>::<fn>`. */
  handler: string;
}

export interface Blueprint {
  project: string;
  routes: Route[];
  /** Types every handler may ask for, each built by a constructor. */
  constructors: string[];
}

/** What the registry and the generator find in an inputs folder. */
export interface InputsManifest {
  version: number;
  crates: Array<{ name: string; version: string; origin: CrateOrigin; file: string; bytes: number; sha256: string }>;
}

/** `registry/hyper-1.3.1.json`, `toolchain/core.json`, `local/shop_core.json`. */
export function docsFile(crate: Pick<CratePlan, 'name' | 'version' | 'origin'>): string {
  return crate.origin === 'registry' ? path.join('registry', `${crate.name}-${crate.version}.json`) : path.join(crate.origin, `${crate.name}.json`);
}

export const BLUEPRINT_FILE = 'blueprint.json';

/** Makes the inputs in `dir` unless a complete set of this version is there; returns its manifest. */
export async function ensureInputs(dir: string): Promise<InputsManifest> {
  const existing = await readInputsManifest(dir);
  if (existing?.version === INPUTS_VERSION) return existing;
  // Made beside the folder, then renamed into place: a run never sees half of it.
  const temp = `${dir}.tmp-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  const manifest: InputsManifest = { version: INPUTS_VERSION, crates: [] };
  for (const crate of CRATES) {
    const text = JSON.stringify(crateDocs(crate));
    const file = docsFile(crate);
    await mkdir(path.dirname(path.join(temp, file)), { recursive: true });
    await writeFile(path.join(temp, file), text);
    manifest.crates.push({ name: crate.name, version: crate.version, origin: crate.origin, file, bytes: Buffer.byteLength(text), sha256: sha256(text) });
  }
  await writeFile(path.join(temp, BLUEPRINT_FILE), `${JSON.stringify(blueprint(), null, 2)}\n`);
  await writeFile(path.join(temp, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  await rename(temp, dir);
  return manifest;
}

export async function readInputsManifest(dir: string): Promise<InputsManifest | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as InputsManifest;
  } catch {
    return null;
  }
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** mulberry32: a tiny seeded generator, the same sequence everywhere. */
function seeded(seed: string): () => number {
  let state = parseInt(sha256(seed).slice(0, 8), 16);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['returns', 'the', 'request', 'body', 'as', 'a', 'stream', 'of', 'frames', 'panics', 'if', 'called', 'after', 'shutdown',
  'creates', 'new', 'value', 'from', 'its', 'parts', 'this', 'is', 'cheap', 'to', 'clone', 'buffer', 'header', 'map', 'with', 'capacity',
  'iterator', 'over', 'entries', 'errors', 'when', 'input', 'invalid', 'utf-8', 'bytes', 'length', 'exceeds', 'limit', 'see', 'also',
  'examples', 'safety', 'caller', 'must', 'ensure', 'pointer', 'valid', 'for', 'reads', 'lifetime', 'borrowed', 'owned', 'async', 'task'];

function sentence(random: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i += 1) out.push(WORDS[Math.floor(random() * WORDS.length)]!);
  const text = out.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

/** The ids of the crate's public types (1…) and of the rest of its index (after them). */
function typeId(crate: CratePlan, typePath: string): number {
  const index = crate.types.indexOf(typePath);
  if (index < 0) throw new Error(`${crate.name} has no type ${typePath}`);
  return index + 1;
}

function crateNamed(name: string): CratePlan {
  const found = CRATES.find((crate) => crate.name === name);
  if (!found) throw new Error(`no crate ${name}`);
  return found;
}

function crateDocs(crate: CratePlan): CrateDocsJson {
  const random = seeded(`hotpath-codegen:${crate.name}`);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const refTo = (): TypeRef => {
    const used = crateNamed(pick(crate.uses.length > 0 ? crate.uses : [crate.name]));
    return { crate: used.name, id: 1 + Math.floor(random() * used.types.length) };
  };
  const index: Record<string, Item> = {};
  const paths: Record<string, string[]> = {};
  const add = (item: Item): void => {
    index[String(item.id)] = item;
    paths[String(item.id)] = item.path;
  };
  crate.types.forEach((typePath, i) => {
    add({
      id: i + 1, name: typePath.split('::').at(-1)!, path: [crate.name, ...typePath.split('::')], kind: 'struct',
      docs: sentence(random, 30 + Math.floor(random() * 30)), attrs: ['#[non_exhaustive]'],
      inner: { fields: Array.from({ length: 2 + Math.floor(random() * 3) }, (_, f) => [`field_${f}`, refTo()] as [string, TypeRef]) },
    });
  });
  if (crate.name === 'shop_core') for (const item of handlerItems(crate, random)) add(item);
  for (let id = Object.keys(index).length + 1; id <= crate.items; id += 1) {
    const module = pick(WORDS);
    const name = `${pick(WORDS)}_${id}`;
    const isFunction = random() < 0.6;
    add({
      id, name, path: [crate.name, module, name], kind: isFunction ? 'function' : pick(['struct', 'enum', 'trait', 'impl'] as const),
      docs: sentence(random, 20 + Math.floor(random() * 60)), attrs: random() < 0.3 ? ['#[inline]'] : [],
      inner: isFunction
        ? { inputs: Array.from({ length: Math.floor(random() * 4) }, (_, a) => [`arg${a}`, refTo()] as [string, TypeRef]), output: random() < 0.8 ? refTo() : null }
        : { fields: Array.from({ length: Math.floor(random() * 5) }, (_, f) => [`f${f}`, refTo()] as [string, TypeRef]) },
    });
  }
  return {
    name: crate.name, crate_version: crate.version, format_version: 28, root: 0, includes_private: false, index, paths,
    external_crates: Object.fromEntries(crate.uses.map((name, i) => [String(i + 1), { name }])),
  };
}

const HANDLERS: ReadonlyArray<[Route['method'], string, string]> = [
  ['GET', '/', 'home::home_page'], ['GET', '/catalog', 'catalog::list'], ['GET', '/catalog/{id}', 'catalog::show'],
  ['GET', '/search', 'catalog::search'], ['GET', '/cart', 'cart::get_cart'], ['POST', '/cart/items', 'cart::add_item'],
  ['DELETE', '/cart/items/{id}', 'cart::remove_item'], ['PUT', '/cart/items/{id}', 'cart::set_quantity'],
  ['POST', '/checkout', 'checkout::start'], ['POST', '/checkout/confirm', 'checkout::confirm'], ['GET', '/orders', 'orders::list'],
  ['GET', '/orders/{id}', 'orders::show'], ['POST', '/orders/{id}/cancel', 'orders::cancel'], ['GET', '/account', 'account::show'],
  ['PUT', '/account', 'account::update'], ['POST', '/login', 'session::login'], ['POST', '/logout', 'session::logout'],
  ['GET', '/health', 'ops::health'], ['GET', '/metrics', 'ops::metrics'], ['GET', '/feed.json', 'feeds::json_feed'],
  ['GET', '/sitemap.xml', 'feeds::sitemap'], ['POST', '/webhooks/payments', 'webhooks::payment'],
  ['GET', '/admin/orders', 'admin::orders'], ['POST', '/admin/catalog', 'admin::import'],
];

/** What each handler takes: its first argument the request, then types from across the dependencies. */
const HANDLER_INPUTS: ReadonlyArray<[string, string]> = [
  ['hyper', 'Request'], ['http', 'HeaderMap'], ['px_runtime', 'Session'], ['serde_json', 'Value'], ['uuid', 'Uuid'],
  ['time', 'OffsetDateTime'], ['url', 'Url'], ['mime', 'Mime'], ['bytes', 'Bytes'], ['tokio', 'sync::Mutex'],
  ['tracing', 'Span'], ['cookie', 'CookieJar'], ['serde', 'de::Error'], ['px_runtime', 'Config'],
];

function handlerItems(crate: CratePlan, random: () => number): Item[] {
  return HANDLERS.map(([, , handler], i) => {
    const [module, name] = handler.split('::') as [string, string];
    const input = (k: number): [string, TypeRef] => {
      const [crateName, typePath] = HANDLER_INPUTS[(i + k * 5) % HANDLER_INPUTS.length]!;
      return [`arg${k}`, { crate: crateName, id: typeId(crateNamed(crateName), typePath), borrowed: k === 0 }];
    };
    return {
      id: crate.types.length + 1 + i, name, path: [crate.name, module, name], kind: 'function' as const,
      docs: sentence(random, 24), attrs: [],
      inner: { inputs: [input(0), input(1), input(2)], output: { crate: crate.name, id: 1 + (i % crate.types.length) } },
    };
  });
}

function blueprint(): Blueprint {
  return {
    project: 'shop',
    routes: HANDLERS.map(([method, routePath, handler]) => ({ method, path: routePath, handler: `shop_core::${handler}` })),
    constructors: ['px_runtime::Request', 'px_runtime::Session', 'px_runtime::Config'],
  };
}
