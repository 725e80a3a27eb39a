// The layout's rule, checked: arrows point down. core/ (the lesson contract, errors, defaults,
// process helpers) imports nothing else of the repo; lessons/ import core/; server/ mounts
// lessons; loadtests/ know only core/; lab/ (the runner) may import them all; console/ (the web
// app over the runner) sits on lab/. No import cycles.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';

/** What each top-level folder may import, besides itself. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  lessons: ['core'],
  server: ['core', 'lessons'],
  loadtests: ['core'],
  lab: ['core', 'lessons', 'server', 'loadtests'],
  console: ['core', 'lessons', 'server', 'loadtests', 'lab'],
  bench: ['core', 'lessons', 'server', 'loadtests', 'lab'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(projectRoot, dir)).flatMap((name) => {
    const relative = path.join(dir, name);
    if (statSync(path.join(projectRoot, relative)).isDirectory()) return sourceFiles(relative);
    return name.endsWith('.ts') ? [relative] : [];
  });
}

/**
 * The repo files a source file imports (relative specifiers, `.js` mapped back to `.ts`): static
 * imports and re-exports, dynamic `import('…')` and `typeof import('…')` alike.
 */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(projectRoot, file), 'utf8');
  const specifiers = [
    ...[...text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gms)].map((m) => m[1]!),
    ...[...text.matchAll(/\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
  ];
  return specifiers.map((specifier) => path.join(path.dirname(file), specifier).replace(/\.js$/, '.ts'));
}

const files = Object.keys(MAY_IMPORT).flatMap(sourceFiles);
const top = (file: string): string => file.split(path.sep)[0]!;

describe('layers', () => {
  it.each(Object.keys(MAY_IMPORT))('%s/ imports only what lies below it', (folder) => {
    const upward = files
      .filter((file) => top(file) === folder)
      .flatMap((file) => importsOf(file).filter((target) => top(target) !== folder && !MAY_IMPORT[folder]!.includes(top(target))).map((target) => `${file} → ${target}`));
    expect(upward).toEqual([]);
  });

  it('has no import cycle', () => {
    const graph = new Map(files.map((file) => [file, importsOf(file)]));
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('finds the imports it checks (the scan is not vacuous)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(importsOf(path.join('lab', 'cli.ts'))).toContain(path.join('lab', 'run-lesson.ts'));
    expect(importsOf(path.join('server', 'main.ts'))).toContain(path.join('core', 'loopback.ts'));
  });
});
