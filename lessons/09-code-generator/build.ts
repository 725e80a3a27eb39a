// The "build" after the generator, as cargo does it: a source file is compiled again when its
// mtime is not the one recorded when it was last compiled. What "compile" costs stands for rustc:
// a fixed amount of CPU per token, and an artefact written beside the others.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Tracer } from '../support/trace-events.js';
import type { GeneratorCounters } from './work-counters.js';

/** Where the build records each source's mtime (not part of the output that is compared). */
export const FINGERPRINTS = '.fingerprints.json';

/** Hash rounds per token: about 8 ms of compiling for one generated route here. */
const ROUNDS_PER_TOKEN = 16;

export async function build(sourceDir: string, targetDir: string, tracer: Tracer, counters: GeneratorCounters): Promise<void> {
  const span = tracer.span('build', 'build');
  const fingerprintsFile = path.join(targetDir, FINGERPRINTS);
  const fingerprints = await readFingerprints(fingerprintsFile);
  let rebuilt = 0;
  for (const file of await listFiles(sourceDir)) {
    const source = path.join(sourceDir, file);
    const artefact = path.join(targetDir, `${file}.o`);
    const { mtimeMs } = await stat(source);
    if (fingerprints[file] === mtimeMs && (await exists(artefact))) continue;
    const compiling = tracer.span(`compile ${file}`, 'build');
    const object = compile(await readFile(source, 'utf8'));
    await mkdir(path.dirname(artefact), { recursive: true });
    await writeFile(artefact, object);
    compiling.end();
    fingerprints[file] = mtimeMs;
    rebuilt += 1;
  }
  if (rebuilt > 0) await writeFile(fingerprintsFile, JSON.stringify(fingerprints));
  counters.filesRebuilt += rebuilt;
  span.end({ rebuilt });
}

/** The "object file": a digest chained over the source's tokens, and their count. */
export function compile(text: string): string {
  const tokens = text.split(/\s+/).filter(Boolean);
  let digest = Buffer.alloc(32);
  for (const token of tokens) {
    for (let round = 0; round < ROUNDS_PER_TOKEN; round += 1) digest = createHash('sha256').update(digest).update(token).digest();
  }
  return `tokens ${tokens.length}\ndigest ${digest.toString('hex')}\n`;
}

/** Files under `dir`, relative, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name))).sort();
}

async function readFingerprints(file: string): Promise<Record<string, number>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}
