// The browser's run request becomes the CLI's own flags; anything else is refused by name.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { runRequestArgv } from '../../console/run-request.js';

describe('a run request', () => {
  it('becomes the flags a learner would type', () => {
    expect(runRequestArgv({ lesson: 2, params: { dbMs: 20 }, options: { quick: true, rounds: 3, driver: 'wrk', connections: 10 } }))
      .toEqual(['2', '--param', 'dbMs=20', '--quick', '--rounds', '3', '--driver', 'wrk', '--connections', '10']);
    expect(runRequestArgv({ lesson: 9, options: { quick: false } })).toEqual(['9']);
  });

  it.each([
    [null, /JSON object/],
    [[2], /JSON object/],
    [{ lesson: '2' }, /lesson number/],
    [{ lesson: 2, shell: 'rm -rf /' }, /Unknown field `shell`/],
    [{ lesson: 2, params: { dbMs: { $gt: 1 } } }, /parameter `dbMs` to be a number/],
    [{ lesson: 2, options: { quick: 'yes' } }, /`quick` to be true or false/],
    [{ lesson: 2, options: { rounds: '3; ls' } }, /`--rounds` to be a number/],
    [{ lesson: 2, options: { clinic: 'doctor' } }, /Unknown option `clinic`/],
  ])('refuses %j', (body, message) => {
    expect(() => runRequestArgv(body)).toThrow(message);
  });
});

describe('the console page', () => {
  it('is JavaScript node can parse (served as is, nothing compiles it)', () => {
    expect(() => execFileSync(process.execPath, ['--check', path.join(projectRoot, 'console', 'app', 'app.js')], { stdio: 'pipe' })).not.toThrow();
  });
});
