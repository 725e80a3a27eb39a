// Leftovers of a runner that was killed (kill -9 cannot be caught): temp files and run folders
// that never got a record. Each run folder holds `runner.pid`; a folder whose runner is dead and
// that has no result.json is swept on the next start.
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { flamegraphsDir, hotpathHome } from './paths.js';
import { isAlive } from '../server/is-alive.js';

export const RUNNER_PID_FILE = 'runner.pid';

export async function markRunFolder(runDir: string): Promise<void> {
  await writeFile(path.join(runDir, RUNNER_PID_FILE), `${process.pid}\n`);
}

/** Once the record is written the folder is complete, and the marker has done its job. */
export async function unmarkRunFolder(runDir: string): Promise<void> {
  await rm(path.join(runDir, RUNNER_PID_FILE), { force: true });
}

/** @returns the paths it removed */
export async function sweepLeftovers(): Promise<string[]> {
  const removed: string[] = [];
  const root = path.join(hotpathHome(), 'results');
  for (const lessonDir of await list(root)) {
    for (const runId of await list(path.join(root, lessonDir))) {
      const runDir = path.join(root, lessonDir, runId);
      const pid = Number((await readFile(path.join(runDir, RUNNER_PID_FILE), 'utf8').catch(() => '')).trim());
      if (pid > 0 && isAlive(pid)) continue; // another runner is using it right now
      const files = await list(runDir);
      for (const file of files.filter(isTemporary)) {
        await rm(path.join(runDir, file), { recursive: true, force: true });
        removed.push(path.join(runDir, file));
      }
      if (files.includes('result.json')) continue;
      await rm(runDir, { recursive: true, force: true });
      removed.push(runDir);
    }
  }
  removed.push(...(await sweepGalleryTempFiles()));
  return removed;
}

/** Half-written pages (`*.tmp-*`) a killed runner left in flamegraphs/, two levels deep at most. */
async function sweepGalleryTempFiles(): Promise<string[]> {
  const removed: string[] = [];
  const stale = Date.now() - GALLERY_TEMP_MAX_AGE_MS;
  const visit = async (dir: string, depth: number): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory() && depth < 2) await visit(file, depth + 1);
      // Another runner may be writing this very file: only old ones are leftovers.
      else if (entry.isFile() && entry.name.includes('.tmp-') && (await stat(file)).mtimeMs < stale) {
        await rm(file, { force: true });
        removed.push(file);
      }
    }
  };
  await visit(flamegraphsDir(), 0);
  return removed;
}

/** A gallery temp file older than this is a leftover, not another runner's write in progress. */
const GALLERY_TEMP_MAX_AGE_MS = 60_000;

/** Prefix of the folders drivers keep their temporary files in, inside a run folder. */
export const DRIVER_TEMP_PREFIX = 'driver-tmp-';

function isTemporary(name: string): boolean {
  return name.includes('.tmp-') || name.startsWith(DRIVER_TEMP_PREFIX);
}

async function list(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}
