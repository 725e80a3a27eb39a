// Writing the generated crate. Every step before 3 writes every file on every run, which changes
// their mtimes, which makes the build compile them again. Step 3 compares checksums first and
// leaves an unchanged file alone, mtime and all.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Tracer } from '../support/trace-events.js';
import { sha256 } from './inputs.js';
import type { GeneratorCounters } from './work-counters.js';

/** A generated file: its path inside the output folder and its text. */
export interface GeneratedFile {
  path: string;
  text: string;
}

export type WritePolicy = 'always' | 'if-changed';

export async function writeGenerated(dir: string, files: readonly GeneratedFile[], policy: WritePolicy, tracer: Tracer, counters: GeneratorCounters): Promise<void> {
  const span = tracer.span('write files', 'write', { policy, files: files.length });
  counters.filesGenerated += files.length;
  for (const file of files) {
    const target = path.join(dir, file.path);
    if (policy === 'if-changed' && (await checksumOf(target)) === sha256(file.text)) continue;
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.text);
    counters.filesWritten += 1;
  }
  span.end({ written: counters.filesWritten });
}

async function checksumOf(file: string): Promise<string | null> {
  try {
    return sha256(await readFile(file));
  } catch {
    return null; // not there yet
  }
}
