// Where things are: the project (sources, compiled JS) and HOTPATH_HOME (results, flame graphs).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project root, found from this file whether it runs from core/ (vitest) or dist/core/. */
export const projectRoot = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const up = path.basename(path.dirname(here)) === 'dist' ? '../..' : '..';
  return path.resolve(here, up);
})();

/** Compiled server entry point; profiled runs use compiled JS so frames point at real lines. */
export const serverMain = path.join(projectRoot, 'dist', 'server', 'main.js');

/** The name a lesson's exercise is served under, as if it were one of its variants. */
export const EXERCISE_VARIANT = 'exercise';

/** The module a lesson server imports as the variant `exercise`, when the runner names one (a test's copy). */
export const EXERCISE_MODULE_ENV = 'HOTPATH_EXERCISE_MODULE';

/** A lesson's compiled exercise (lab/exercise-build.ts writes it; the server imports it). */
export function compiledExercise(slug: string): string {
  return path.join(projectRoot, 'dist', 'lessons', slug, 'exercise.js');
}

/** Compiled entry point of lesson 4's redirect-map upstream. */
export const upstreamMain = path.join(projectRoot, 'dist', 'server', 'upstream-main.js');

/** Holds results/ and flamegraphs/; tests point it at a temp dir. */
export function hotpathHome(): string {
  return path.resolve(process.env.HOTPATH_HOME ?? projectRoot);
}

export function resultsDir(lessonId: number): string {
  return path.join(hotpathHome(), 'results', `lesson-${pad2(lessonId)}`);
}

export function flamegraphsDir(): string {
  return path.join(hotpathHome(), 'flamegraphs');
}

/** The generated site of lessons 4 and 5 (`npm run site`; runs generate it when missing). */
export function siteDir(): string {
  return path.join(hotpathHome(), 'site');
}

/** `YYYYMMDD-HHMMSS-<4 hex>`, in UTC so runs sort the same everywhere. */
export function newRunId(now = new Date()): string {
  const iso = now.toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** A path relative to the project root when it lies inside it (as the run record wants). */
export function relativeToRoot(file: string): string {
  const relative = path.relative(projectRoot, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** A point label as a file name: `sleep@10` → `sleep_10`. */
export function safeFileName(label: string): string {
  return label.replace(/[^A-Za-z0-9._-]/g, '_');
}

export function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** Marks a run folder as in use by a live runner (its pid); the sweep leaves such folders alone. */
export const RUNNER_PID_FILE = 'runner.pid';

/** Prefix of the folders drivers keep their temporary files in, inside a run folder. */
export const DRIVER_TEMP_PREFIX = 'driver-tmp-';

/** Compiled entry points of lesson 9: its registry, and its timed command (one process per run). */
export const registryMain = path.join(projectRoot, 'dist', 'server', 'registry-main.js');
export const codegenMain = path.join(projectRoot, 'dist', 'server', 'codegen-main.js');

/** Lesson 9's inputs (the crates' docs, the blueprint), made once. */
export function codegenInputsDir(): string {
  return path.join(hotpathHome(), 'codegen-inputs');
}

/** Prefix of lesson 9's per-run work folders (caches, generated crates) in the system's temp folder. */
export const CODEGEN_WORK_PREFIX = 'hotpath-codegen-';

/** A path as a terminal prints it: `results/…/result.json`, and under it its `file://` URL (clickable in most terminals). */
export function pathLines(file: string): [string, string] {
  const absolute = path.isAbsolute(file) ? file : path.join(projectRoot, file);
  return [relativeToRoot(absolute), pathToFileURL(absolute).href];
}
