// Writing the generated crate. Until step 3 every file is written on every run, which changes
// their mtimes, which makes the build compile them all again (write-changed.ts is step 3).
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Tracer } from '../support/trace-events.js';
import type { GeneratorCounters } from './work-counters.js';

/** A generated file: its path inside the output folder and its text. */
export interface GeneratedFile {
  path: string;
  text: string;
}

/** Puts the generated files into `dir` (a step's choice: every file, or only the changed ones). */
export type WriteGenerated = (dir: string, files: readonly GeneratedFile[]) => Promise<void>;

export const writeEveryFile: WriteGenerated = async (dir, files) => {
  for (const file of files) {
    const target = path.join(dir, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.text);
  }
};

/**
 * Runs a step's writer in a span, and counts the files it wrote by their mtimes (what the build
 * goes by), so the count does not depend on the writer saying so.
 */
export async function writeGenerated(dir: string, files: readonly GeneratedFile[], writer: WriteGenerated, tracer: Tracer, counters: GeneratorCounters): Promise<void> {
  const span = tracer.span('write files', 'write', { files: files.length });
  const before = await Promise.all(files.map((file) => mtimeOf(path.join(dir, file.path))));
  await writer(dir, files);
  const after = await Promise.all(files.map((file) => mtimeOf(path.join(dir, file.path))));
  const written = after.filter((mtime, i) => mtime !== before[i]).length;
  counters.filesGenerated += files.length;
  counters.filesWritten += written;
  span.end({ written });
}

async function mtimeOf(file: string): Promise<number | null> {
  return stat(file).then((s) => s.mtimeMs, () => null);
}
