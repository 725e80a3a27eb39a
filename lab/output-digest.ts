// One checksum for what a run of a command produced: every file under the given folders, by path
// and bytes, in a fixed order, so that two steps that generate the same crate agree byte for byte.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** @returns the digest of them all, and each file's own SHA-256 by path (to name the first that differs) */
export async function outputDigest(root: string, dirs: readonly string[], ignore: readonly string[]): Promise<{ digest: string; byFile: Record<string, string> }> {
  const hash = createHash('sha256');
  const byFile: Record<string, string> = {};
  for (const dir of dirs) {
    const entries = await readdir(path.join(root, dir), { recursive: true, withFileTypes: true }).catch(() => []);
    const names = entries.filter((entry) => entry.isFile() && !ignore.includes(entry.name))
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name))).sort();
    for (const name of names) {
      const bytes = await readFile(path.join(root, name));
      hash.update(`${name}\0`).update(bytes).update('\0');
      byFile[name] = createHash('sha256').update(bytes).digest('hex');
    }
  }
  return { digest: hash.digest('hex'), byFile };
}
