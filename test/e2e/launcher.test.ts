// The npm entry points as a newcomer starts them: `npm run lesson -- N` prints the lesson's output
// and npm's one-line banner, never the build's error text; that line appears only when the
// TypeScript does not compile (tried in a copy of the project with one broken file).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';

const COMPILE_ERROR_LINE = 'hotpath: the TypeScript does not compile (errors above); fix it and run again';
const copies: string[] = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the launcher (scripts/run-built.mjs)', { timeout: 120_000 }, () => {
  it.each([['npm run lesson -- 9 --help', ['run', 'lesson', '--', '9', '--help']], ['npm run lesson:2 -- --help', ['run', 'lesson:2', '--', '--help']]])('%s: the lesson\'s text, no script text', (_name, args) => {
    const run = spawnSync('npm', args, { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('usage: npm run lesson -- <n> [flags]');
    expect(`${run.stdout}${run.stderr}`).not.toContain('does not compile');
    expect(`${run.stdout}${run.stderr}`).not.toContain('build-if-stale');
  });

  it('says the TypeScript does not compile, after tsc\'s own error, only when it does not (exit 2)', () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'hotpath-test-'));
    copies.push(copy);
    for (const item of ['core', 'server', 'lessons', 'lab', 'loadtests', 'console', 'bench', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
      cpSync(path.join(projectRoot, item), path.join(copy, item), { recursive: true, filter: (source) => !source.includes(`${path.sep}exercise.copy-`) });
    }
    symlinkSync(path.join(projectRoot, 'node_modules'), path.join(copy, 'node_modules'));
    writeFileSync(path.join(copy, 'core', 'broken.ts'), "export const broken: number = 'not a number';\n");
    const run = spawnSync(process.execPath, [path.join(copy, 'scripts', 'run-built.mjs'), 'lab/cli.js', '--help'], { cwd: copy, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe(''); // nothing ran
    expect(run.stderr).toMatch(/core\/broken\.ts.*error TS2322/);
    expect(run.stderr.trimEnd().endsWith(COMPILE_ERROR_LINE)).toBe(true);
  });
});
