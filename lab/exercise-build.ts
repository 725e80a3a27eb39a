// Compiles one lesson's exercise on its own, with the project's compiler options, into dist/ beside
// the lesson it belongs to. The main build leaves exercises out (tsconfig.json's exclude), so a
// learner's half-edited exercise breaks only its own check: a type error is reported here, with
// file:line, and nothing is emitted.
import { existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { HotpathError } from '../core/errors.js';
import { compiledExercise, projectRoot } from '../core/paths.js';

export interface ExerciseFiles {
  /** The learner's file, `lessons/NN-slug/exercise.ts`. */
  source: string;
  /** The pristine start beside it, for `--reset` and the unchanged check. */
  start: string;
  /** Where the compiled module goes: `dist/lessons/NN-slug/exercise.js`. */
  compiled: string;
}

/**
 * Names another file in the lesson's folder as the exercise (tests and measurements use copies,
 * so that no tracked file is edited). It must sit beside the lesson: its imports are relative.
 */
export const EXERCISE_FILE_ENV = 'HOTPATH_EXERCISE_FILE';

export function exerciseFiles(slug: string, override = process.env[EXERCISE_FILE_ENV]): ExerciseFiles {
  const dir = path.join(projectRoot, 'lessons', slug);
  const start = path.join(dir, 'exercise.start.ts');
  if (!override) return { source: path.join(dir, 'exercise.ts'), start, compiled: compiledExercise(slug) };
  const source = path.resolve(projectRoot, override);
  if (path.dirname(source) !== dir || !source.endsWith('.ts')) {
    throw new HotpathError('E_USAGE', `${EXERCISE_FILE_ENV}=${override}: expected a .ts file in ${path.relative(projectRoot, dir)}/ (its imports are relative to the lesson)`);
  }
  return { source, start, compiled: path.join(path.dirname(compiledExercise(slug)), `${path.basename(source, '.ts')}.js`) };
}

export type BuildOutcome = { ok: true; compiled: string } | { ok: false; errors: string[] };

/** Type-checks `files.source` (and what it imports) and emits it alone. */
export function buildExercise(files: ExerciseFiles): BuildOutcome {
  if (!existsSync(files.source)) return { ok: false, errors: [`${relative(files.source)} is missing (restore it with --reset)`] };
  const options = compilerOptions();
  const program = ts.createProgram([files.source], options);
  const sourceFile = program.getSourceFile(files.source);
  const diagnostics = [...ts.getPreEmitDiagnostics(program, sourceFile)].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostics.length > 0) return { ok: false, errors: diagnostics.map(describe) };
  const emitted = program.emit(sourceFile);
  const failed = emitted.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (emitted.emitSkipped || failed.length > 0) return { ok: false, errors: failed.length > 0 ? failed.map(describe) : ['the compiler emitted nothing'] };
  return { ok: true, compiled: files.compiled };
}

/** tsconfig.build.json's options, without its incremental state (that is the main build's). */
function compilerOptions(): ts.CompilerOptions {
  const configPath = path.join(projectRoot, 'tsconfig.build.json');
  const read = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  if (read.error) throw new Error(`cannot read ${configPath}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, projectRoot);
  return { ...parsed.options, incremental: false, tsBuildInfoFile: undefined, noEmitOnError: true };
}

/** `lessons/02-held-lock/exercise.ts:14:5 error TS2304: Cannot find name 'x'.` */
function describe(diagnostic: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return `error TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${relative(diagnostic.file.fileName)}:${line + 1}:${character + 1} error TS${diagnostic.code}: ${message}`;
}

function relative(file: string): string {
  return path.relative(projectRoot, file);
}
