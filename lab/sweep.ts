// Run folders, and the leftovers of a runner that was killed (kill -9 cannot be caught): temp
// files and run folders that never got a record. A run folder holds `runner.pid` from the moment
// it appears until its runner is done writing; a folder whose runner is dead and that has no
// result.json is swept on the next start. Two runners may sweep and create at the same time.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TIMING } from '../core/defaults.js';
import { DRIVER_TEMP_PREFIX, flamegraphsDir, hotpathHome, RUNNER_PID_FILE } from '../core/paths.js';
import { isAlive, isSameProcess, processStartTicks } from '../core/proc-stat.js';

/** A run folder being prepared: `.<run id>.starting-<pid>`, renamed once it holds its marker. */
const STARTING = /^\..*\.starting-(\d+)$/;

/**
 * Creates `runDir` already marked with this runner's pid: the folder is made under a hidden
 * name, marked, then renamed, so no sweep ever sees it unmarked.
 */
export async function createRunFolder(runDir: string): Promise<void> {
  const staging = path.join(path.dirname(runDir), `.${path.basename(runDir)}.starting-${process.pid}`);
  await mkdir(staging, { recursive: true });
  try {
    await writeFile(path.join(staging, RUNNER_PID_FILE), `${process.pid} ${processStartTicks(process.pid) ?? ''}\n`);
    await rename(staging, runDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
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
      const starting = STARTING.exec(runId);
      if (starting) {
        if (!isAlive(Number(starting[1]))) {
          await rm(runDir, { recursive: true, force: true });
          removed.push(runDir);
        }
        continue;
      }
      // `<pid> <start ticks>`: the start time tells the runner from a process that reused its pid.
      const [pidText, startText] = (await readFile(path.join(runDir, RUNNER_PID_FILE), 'utf8').catch(() => '')).trim().split(' ');
      const pid = Number(pidText);
      if (pid > 0 && isSameProcess(pid, startText ? Number(startText) : null)) continue; // another runner is using it right now
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
  const stale = Date.now() - TIMING.galleryTempMaxAgeMs;
  const visit = async (dir: string, depth: number): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory() && depth < 2) await visit(file, depth + 1);
      // Another runner may be writing this very file: only old ones are leftovers.
      // Another runner may be sweeping too, and remove (or rename) it first.
      else if (entry.isFile() && entry.name.includes('.tmp-') && ((await stat(file).catch(() => null))?.mtimeMs ?? Infinity) < stale) {
        await rm(file, { force: true });
        removed.push(file);
      }
    }
  };
  await visit(flamegraphsDir(), 0);
  return removed;
}

function isTemporary(name: string): boolean {
  return name.includes('.tmp-') || name.startsWith(DRIVER_TEMP_PREFIX);
}

async function list(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}
