// What one run of the generator did, counted (no timing in it): the lesson's noise-free figures.
export interface GeneratorCounters {
  /** Requests to the registry, and the most that were waiting at once. */
  fetches: number;
  maxInFlight: number;
  /** Bytes given to JSON.parse as whole documents, and items deserialized one by one. */
  docsBytesParsed: number;
  itemsParsed: number;
  cacheHits: number;
  cacheMisses: number;
  /** Generated files written to disk, of all the generated files. */
  filesWritten: number;
  filesGenerated: number;
  /** Files the build compiled again because their mtime changed. */
  filesRebuilt: number;
}

export function newCounters(): GeneratorCounters {
  return { fetches: 0, maxInFlight: 0, docsBytesParsed: 0, itemsParsed: 0, cacheHits: 0, cacheMisses: 0, filesWritten: 0, filesGenerated: 0, filesRebuilt: 0 };
}
