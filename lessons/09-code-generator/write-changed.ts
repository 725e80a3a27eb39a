// Step 3: write a generated file only when its checksum differs from the file already there.
// An unchanged file keeps its mtime, so the build (mtime-based, as cargo's) has nothing to redo.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256 } from './inputs.js';
import type { WriteGenerated } from './write-files.js';

export const writeChangedFiles: WriteGenerated = async (dir, files) => {
  for (const file of files) {
    const target = path.join(dir, file.path);
    const existing = await readFile(target).catch(() => null); // null: not there yet
    if (existing !== null && sha256(existing) === sha256(file.text)) continue;
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.text);
  }
};
