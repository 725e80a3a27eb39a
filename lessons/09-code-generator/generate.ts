// The code generator: walks the blueprint's routes, reads the docs of every crate their handlers
// and types come from, and writes the generated crate. What a step changes is how docs are
// loaded (docs-store.ts and the caches), how files are written (write-files.ts), and whether the
// needed crates are asked for up front (needed-set.ts); the walk and the text are the same.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CrateDocs, Item, TypeRef } from './docs.js';
import { fetchEveryTime, type DocsStore } from './docs-store.js';
import type { DocsOrigin, ManifestCrate } from './fetch-docs.js';
import { BLUEPRINT_FILE, type Blueprint, type InputsManifest, type Route } from './inputs.js';
import type { NeededSet } from './needed-set.js';
import type { StepConfig } from './steps.js';
import { writeGenerated, type GeneratedFile } from './write-files.js';

export interface GenerateInput {
  config: StepConfig;
  inputsDir: string;
  manifest: InputsManifest;
  /** The step's own folder: its cache file, its generated crate (`out/`). */
  workDir: string;
  origin: DocsOrigin;
}

export const CACHE_FILE = 'cache.sqlite';
export const OUT_DIR = 'out';

export async function generate(input: GenerateInput): Promise<void> {
  const { tracer } = input.origin;
  const span = tracer.span('generate', 'generate');
  const blueprint = JSON.parse(await readFile(path.join(input.inputsDir, BLUEPRINT_FILE), 'utf8')) as Blueprint;
  const toolchain = input.manifest.crates.find((crate) => crate.name === 'core')!.version;
  await mkdir(input.workDir, { recursive: true }); // a first run has no folder yet
  const { store, needed } = await openStore(input, toolchain, blueprint.project);
  try {
    // In-memory memo: within one run a crate's docs are loaded once (the story had this from the start).
    const loaded = new Map<string, Promise<CrateDocs>>();
    const docsOf = (name: string): Promise<CrateDocs> => {
      let docs = loaded.get(name);
      if (!docs) {
        docs = store.load(crateNamed(input.manifest, name));
        loaded.set(name, docs);
      }
      return docs;
    };
    const remembered = needed?.read() ?? null;
    if (remembered) {
      const prefetch = tracer.span('prefetch needed crates', 'prefetch', { crates: remembered.length });
      await Promise.all(remembered.map(docsOf));
      prefetch.end();
    }
    const walk = tracer.span('walk blueprint', 'generate', { routes: blueprint.routes.length });
    const routes: GeneratedFile[] = [];
    for (const route of blueprint.routes) routes.push(await routeFile(route, docsOf));
    const constructors = await Promise.all(blueprint.constructors.map((typePath) => resolvePath(typePath, docsOf)));
    walk.end();
    const used = await Promise.all([...loaded.values()]);
    const files = [...routes, libFile(blueprint, constructors), cargoToml(blueprint, used), lockFile(used)];
    await writeGenerated(path.join(input.workDir, OUT_DIR), files, input.config.writes, tracer, input.origin.counters);
    needed?.remember([...loaded.keys()]);
  } finally {
    store.close();
    span.end();
  }
}

async function openStore(input: GenerateInput, toolchain: string, project: string): Promise<{ store: DocsStore; needed: NeededSet | null }> {
  const file = path.join(input.workDir, CACHE_FILE);
  switch (input.config.docs) {
    case 'fetch':
      return { store: fetchEveryTime(input.origin), needed: null };
    case 'whole-cache': {
      // Imported when used: the baseline does not load SQLite at all.
      const { wholeDocsCache } = await import('./cache-whole.js');
      return { store: wholeDocsCache(file, toolchain, input.origin), needed: null };
    }
    case 'lazy-cache': {
      const { lazyDocsCache } = await import('./cache-lazy.js');
      const store = lazyDocsCache(file, toolchain, input.origin);
      if (!input.config.prefetch) return { store, needed: null };
      const { neededSet } = await import('./needed-set.js');
      return { store, needed: neededSet(store.db, project) };
    }
  }
}

function crateNamed(manifest: InputsManifest, name: string): ManifestCrate {
  const found = manifest.crates.find((crate) => crate.name === name);
  if (!found) throw new Error(`no docs for crate ${name}`);
  return found;
}

type DocsOf = (crate: string) => Promise<CrateDocs>;

interface ResolvedType {
  display: string;
  crate: string;
  version: string;
  summary: string;
  fields: string[];
}

/** A type a signature names, with its fields' types (one level down: what the generated code shows). */
async function resolveType(ref: TypeRef, docsOf: DocsOf): Promise<ResolvedType> {
  const docs = await docsOf(ref.crate);
  const item = docs.item(ref.id);
  const fields: string[] = [];
  for (const [name, fieldRef] of item.inner.fields ?? []) {
    const fieldDocs = await docsOf(fieldRef.crate);
    fields.push(`${name}: ${typeName(fieldDocs.item(fieldRef.id))}`);
  }
  return { display: `${ref.borrowed ? '&' : ''}${typeName(item)}`, crate: docs.name, version: docs.version, summary: firstWords(item.docs), fields };
}

async function resolvePath(fullPath: string, docsOf: DocsOf): Promise<ResolvedType> {
  const docs = await docsOf(fullPath.split('::')[0]!);
  return resolveType({ crate: docs.name, id: docs.idOfPath(fullPath) }, docsOf);
}

async function routeFile(route: Route, docsOf: DocsOf): Promise<GeneratedFile> {
  const docs = await docsOf(route.handler.split('::')[0]!);
  const handler = docs.item(docs.idOfPath(route.handler));
  const inputs: Array<[string, ResolvedType]> = [];
  for (const [name, ref] of handler.inner.inputs ?? []) inputs.push([name, await resolveType(ref, docsOf)]);
  const output = handler.inner.output ? await resolveType(handler.inner.output, docsOf) : null;
  const fn = `route_${handler.path.slice(1).join('_')}`;
  const lines = [
    `// @generated by px from the blueprint: ${route.method} ${route.path}`,
    `use ${route.handler};`,
    '',
    `/// ${handler.docs}`,
    ...inputs.flatMap(([name, type]) => [`/// - \`${name}: ${type.display}\` (${type.crate} ${type.version}): ${type.summary}`, ...type.fields.map((field) => `///   - ${field}`)]),
    `pub async fn ${fn}(${inputs.map(([name, type]) => `${name}: ${type.display}`).join(', ')}) -> ${output ? output.display : '()'} {`,
    `    ${handler.name}(${inputs.map(([name]) => name).join(', ')}).await`,
    '}',
    '',
  ];
  return { path: path.join('src', 'routes', `${handler.path.slice(1).join('_')}.rs`), text: lines.join('\n') };
}

function libFile(blueprint: Blueprint, constructors: readonly ResolvedType[]): GeneratedFile {
  const modules = blueprint.routes.map((route) => route.handler.split('::').slice(1).join('_'));
  const lines = [
    `// @generated by px: the server SDK of \`${blueprint.project}\``,
    ...modules.map((module) => `pub mod ${module};`),
    '',
    'pub fn router() -> px_runtime::Router {',
    '    px_runtime::Router::new()',
    ...blueprint.routes.map((route, i) => `        .route(${JSON.stringify(route.method)}, ${JSON.stringify(route.path)}, ${modules[i]}::route_${modules[i]})`),
    '}',
    '',
    ...constructors.map((type) => `// constructs ${type.display} (${type.crate} ${type.version}): ${type.summary}`),
    '',
  ];
  return { path: path.join('src', 'lib.rs'), text: lines.join('\n') };
}

function cargoToml(blueprint: Blueprint, used: readonly CrateDocs[]): GeneratedFile {
  const dependencies = used.filter((docs) => !['core', 'alloc', 'std'].includes(docs.name)).sort((a, b) => a.name.localeCompare(b.name));
  const lines = ['[package]', `name = "${blueprint.project}_server_sdk"`, 'version = "0.1.0"', 'edition = "2021"', '', '[dependencies]',
    ...dependencies.map((docs) => `${docs.name} = "=${docs.version}"`), ''];
  return { path: 'Cargo.toml', text: lines.join('\n') };
}

/** Which docs, at which checksum, the crate was generated from. */
function lockFile(used: readonly CrateDocs[]): GeneratedFile {
  const lines = [...used].sort((a, b) => a.name.localeCompare(b.name)).map((docs) => `${docs.name} ${docs.version} sha256:${docs.sha256}`);
  return { path: 'px.lock', text: `${lines.join('\n')}\n` };
}

function typeName(item: Item): string {
  return item.path.join('::');
}

function firstWords(docs: string): string {
  return docs.split(' ').slice(0, 10).join(' ');
}
