// Runs the TypeScript build only when a source is newer than the last build that succeeded:
// an up-to-date incremental tsc still takes about 2 s here, a check of file times a few ms.
// Plain JavaScript, because it runs before there is any compiled code. Exit code: tsc's.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-ok');
const SOURCE_DIRS = ['core', 'server', 'lessons', 'lab', 'loadtests', 'bench'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
/** Compiled on their own when checked (lab/exercise-build.ts), not by this build. */
const EXERCISE_FILES = ['exercise.ts', 'exercise.start.ts'];

function newestSourceMs() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      // A folder's own time changes when a file in it is added, removed or renamed.
      if (entry.isDirectory()) {
        newest = Math.max(newest, statSync(file).mtimeMs);
        visit(file);
      } else if (entry.name.endsWith('.ts') && !EXERCISE_FILES.includes(entry.name)) newest = Math.max(newest, statSync(file).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) {
    newest = Math.max(newest, statSync(path.join(root, dir)).mtimeMs);
    visit(path.join(root, dir));
  }
  for (const file of CONFIG_FILES) newest = Math.max(newest, statSync(path.join(root, file)).mtimeMs);
  return newest;
}

function stampMs() {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return -1;
  }
}

if (process.env.HOTPATH_FORCE_BUILD || newestSourceMs() >= stampMs()) {
  // The stamp gets the time the build started: a file saved while tsc runs is newer, and rebuilt.
  const startedAt = new Date();
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  // The compiler's output goes to stderr, so that --json runs keep stdout for the record.
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  utimesSync(stamp, startedAt, startedAt);
}
