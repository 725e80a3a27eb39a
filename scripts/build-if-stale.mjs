// Runs the TypeScript build only when a source is newer than the last build that succeeded:
// an up-to-date incremental tsc still takes about 2 s here, a check of file times a few ms.
// Plain JavaScript, because it runs before there is any compiled code. Exit code: tsc's.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-ok');
const SOURCE_DIRS = ['core', 'server', 'lessons', 'lab', 'loadtests', 'console', 'bench'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
/**
 * A lesson's exercise and its copies (`exercise.ts`, `exercise.start.ts`, a test's
 * `exercise.copy-….ts`) are compiled on their own when checked (lab/exercise-build.ts), not by
 * this build: saving one must not rebuild the project.
 */
const isExercise = (name) => name.startsWith('exercise') && name.endsWith('.ts');

/** The sources this build compiles: their newest time, and their names (a file added or removed changes them). */
function sources() {
  let newest = 0;
  const names = [];
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith('.ts') && !isExercise(entry.name)) {
        newest = Math.max(newest, statSync(file).mtimeMs);
        names.push(path.relative(root, file));
      }
    }
  };
  for (const dir of SOURCE_DIRS) visit(path.join(root, dir));
  for (const file of CONFIG_FILES) newest = Math.max(newest, statSync(path.join(root, file)).mtimeMs);
  return { newest, listing: names.sort().join('\n') };
}

/** The last successful build: its start time and the sources it compiled; null when there is none. */
function lastBuild() {
  try {
    const [, ...listing] = readFileSync(stamp, 'utf8').trimEnd().split('\n');
    return { ms: statSync(stamp).mtimeMs, listing: listing.join('\n') };
  } catch {
    return null;
  }
}

const current = sources();
const last = lastBuild();
if (process.env.HOTPATH_FORCE_BUILD || !last || current.newest >= last.ms || current.listing !== last.listing) {
  // The stamp gets the time the build started: a file saved while tsc runs is newer, and rebuilt.
  const startedAt = new Date();
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  // The compiler's output goes to stderr, so that --json runs keep stdout for the record.
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stamp, `${startedAt.toISOString()}\n${current.listing}\n`);
  utimesSync(stamp, startedAt, startedAt);
}
