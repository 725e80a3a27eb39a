// Starting lab processes: failures become one clear error, never a crash of the runner.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../core/proc-stat.js';
import { lessonServerArgs, startServer } from '../../lab/server-process.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'hotpath-server-process-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('startServer', () => {
  it('turns a process that cannot be spawned into an E_SERVER error (the child\'s \'error\' event)', async () => {
    // A working folder that does not exist: spawn() fails with ENOENT, reported on 'error'.
    const start = startServer({ args: lessonServerArgs(2, 'held-mutex'), label: 'held-mutex', runDir: path.join(home, 'no-such-folder'), profiler: null, clinic: null, verbose: false });
    await expect(start).rejects.toMatchObject({ code: 'E_SERVER', message: expect.stringMatching(/could not be started \(.*ENOENT/) });
  });

  it('says which server exited before its ready line, and where its log is', async () => {
    const start = startServer({ args: lessonServerArgs(2, 'no-such-variant'), label: 'x', runDir: home, profiler: null, clinic: null, verbose: false });
    await expect(start).rejects.toMatchObject({ code: 'E_SERVER', message: expect.stringMatching(/server x exited \(code 2\) before it was ready; see .*server-x\.log/) });
  });

  it('starts, reports its own pid and port, and stops', { timeout: 20_000 }, async () => {
    const server = await startServer({ args: lessonServerArgs(2, 'held-mutex'), label: 'held-mutex', runDir: home, profiler: null, clinic: null, verbose: false });
    expect(isAlive(server.pid)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${server.port}/__lab/noop`)).status).toBe(200);
    await server.stop();
    expect(await server.exited).toBe(0);
    expect(isAlive(server.pid)).toBe(false);
  });
});
