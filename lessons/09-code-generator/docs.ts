// The "docs" the generator reads: a crate's items, shaped like rustdoc's JSON output (the story's
// input). What the generator needs of a crate is a handful of its items, looked up by id (a type
// a signature names) or by path (a handler the blueprint names).

/** A type named in a signature or a field: which crate defines it, and its id there. */
export interface TypeRef {
  crate: string;
  id: number;
  borrowed?: boolean;
}

/** One item of a crate's index (rustdoc's `Item`, cut down). */
export interface Item {
  id: number;
  name: string;
  /** The item's full path, e.g. `["hyper", "request", "Request"]`. */
  path: string[];
  kind: 'struct' | 'function' | 'enum' | 'trait' | 'impl';
  docs: string;
  attrs: string[];
  /** A function's inputs and output, a struct's fields. */
  inner: { inputs?: Array<[string, TypeRef]>; output?: TypeRef | null; fields?: Array<[string, TypeRef]> };
}

/** A crate's docs as the registry serves them: rustdoc's top-level `Crate`, cut down. */
export interface CrateDocsJson {
  name: string;
  crate_version: string;
  format_version: number;
  root: number;
  includes_private: boolean;
  /** Every item of the crate by id: by far the biggest part. */
  index: Record<string, Item>;
  /** Item id → path, for the items that have one (rustdoc's `paths`). */
  paths: Record<string, string[]>;
  external_crates: Record<string, { name: string }>;
}

/** What the generator asks of a crate's docs, however they were loaded. */
export interface CrateDocs {
  name: string;
  version: string;
  /** SHA-256 of the docs as the registry (or the toolchain file) gave them, hex. */
  sha256: string;
  item(id: number): Item;
  /** The id of the item at this path (`shop_core::cart::get_cart`). */
  idOfPath(path: string): number;
}

/** An eager CrateDocs over a parsed document (every item already deserialized). */
export function parsedDocs(json: CrateDocsJson, sha256: string): CrateDocs {
  let byPath: Map<string, number> | null = null;
  return {
    name: json.name,
    version: json.crate_version,
    sha256,
    item(id) {
      const found = json.index[String(id)];
      if (!found) throw new Error(`${json.name} has no item ${id}`);
      return found;
    },
    idOfPath(path) {
      byPath ??= new Map(Object.entries(json.paths).map(([id, parts]) => [parts.join('::'), Number(id)]));
      const id = byPath.get(path);
      if (id === undefined) throw new Error(`${json.name} has no item at ${path}`);
      return id;
    },
  };
}
