// Your turn: this is how steps 0–2 write the generated crate, every file on every run. Make a warm
// run leave the build nothing to compile, and keep the crate byte for byte the same. Look at what
// the build (build.ts) decides by, and at what writing an unchanged file does to it.
// Check with `npm run lesson:9 -- --exercise`; `--hint` when stuck.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WriteGenerated } from './write-files.js';

export const exercise: WriteGenerated = async (dir, files) => {
  for (const file of files) {
    const target = path.join(dir, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.text);
  }
};
