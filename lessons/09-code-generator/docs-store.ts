// How a step gets a crate's docs: the DocsStore it opens. The baseline has none (every crate
// fetched and parsed every run); steps 1 and 2 keep docs in an SQLite file between runs.
import type { CrateDocs } from './docs.js';
import { fetchAndParse, type DocsOrigin, type ManifestCrate } from './fetch-docs.js';

export interface DocsStore {
  load(crate: ManifestCrate): Promise<CrateDocs>;
  close(): void;
}

/** The baseline: nothing kept from one run to the next. */
export function fetchEveryTime(from: DocsOrigin): DocsStore {
  return { load: (crate) => fetchAndParse(crate, from), close: () => {} };
}

/**
 * The cache key of a crate's docs: everything that changes them (the story's key has the
 * version, the features, the source and the toolchain). Local crates are never cached: they change.
 */
export function cacheKey(crate: ManifestCrate, toolchain: string): string {
  return `${crate.name}@${crate.version} origin=${crate.origin} toolchain=${toolchain} format=28`;
}
