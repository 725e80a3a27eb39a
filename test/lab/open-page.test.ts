// `--open`: the page goes to the platform's opener (a stand-in xdg-open on PATH records what it
// was asked), and never in CI.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/run-cli.js';
import { openPage } from '../../lab/open-page.js';

const bin = mkdtempSync(path.join(os.tmpdir(), 'hotpath-test-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));
const asked = path.join(bin, 'asked');
for (const opener of ['xdg-open', 'open']) {
  writeFileSync(path.join(bin, opener), `#!/bin/sh\necho "$@" > ${asked}\n`);
  chmodSync(path.join(bin, opener), 0o755);
}

describe.skipIf(process.platform === 'win32')('openPage', () => {
  it('hands the page\'s absolute path to the opener, without waiting for it', async () => {
    const said = await openPage('flamegraphs/index.html', { ...process.env, PATH: `${bin}:${process.env.PATH}`, CI: '' });
    expect(said).toMatch(/--open: asked (xdg-)?open to open index\.html/);
    expect(await waitFor(() => existsSync(asked), 5_000)).toBe(true);
    expect(readFileSync(asked, 'utf8').trim()).toMatch(/^\/.*\/flamegraphs\/index\.html$/);
  });

  it('never opens anything in CI', async () => {
    rmSync(asked, { force: true });
    expect(await openPage('flamegraphs/index.html', { ...process.env, PATH: `${bin}:${process.env.PATH}`, CI: 'true' })).toBe('--open: not opened in CI');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(existsSync(asked)).toBe(false);
  });

  it('says so when there is no opener', async () => {
    expect(await openPage('flamegraphs/index.html', { PATH: '/nonexistent', CI: '' })).toMatch(/could not run (xdg-)?open .*open the page above yourself/);
  });
});
