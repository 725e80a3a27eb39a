// The generated site and the site-path checks every site variant sits behind.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentOf, ensureSite, MANIFEST_FILE } from '../../../lessons/support/site/generate-site.js';
import { SITE_FILES, SITE_MTIME } from '../../../lessons/support/site/site-layout.js';
import { SitePathError, siteFileFor, siteSegments } from '../../../lessons/support/site/site-path.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hotpath-site-'));
  dirs.push(dir);
  return dir;
}

describe('generated site', () => {
  it('has every file at its exact size, with the fixed mtime, and the same bytes every time', async () => {
    const dir = await tempDir();
    const manifest = await ensureSite(dir);
    expect(manifest.files.map((f) => f.path)).toEqual(SITE_FILES.map((f) => f.path));
    for (const file of SITE_FILES) {
      const onDisk = path.join(dir, file.path);
      const stats = await stat(onDisk);
      expect(stats.size, file.path).toBe(file.bytes);
      expect(stats.mtimeMs, file.path).toBe(SITE_MTIME.getTime());
      expect((await readFile(onDisk)).equals(contentOf(file)), file.path).toBe(true);
    }
    const page = await readFile(path.join(dir, 'index.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toMatch(/<\/html>\n\s*$/);
  });

  it('is left alone when complete and rebuilt when its manifest is missing or from another version', async () => {
    const dir = await tempDir();
    await ensureSite(dir);
    const photo = path.join(dir, 'img', 'photo-01.jpg');
    await writeFile(photo, 'tampered');
    await ensureSite(dir);
    expect((await stat(photo)).size).toBe(8); // complete manifest: not regenerated
    await writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify({ version: 0, files: [] }));
    await writeFile(`${photo}.tmp-999`, 'left by a killed generation');
    await ensureSite(dir);
    expect((await stat(photo)).size).toBe(1024 * 1024);
    expect(existsSync(`${photo}.tmp-999`)).toBe(false);
  });
});

describe('site paths', () => {
  it.each([
    ['/', ['']],
    ['/img/photo-01.jpg', ['img', 'photo-01.jpg']],
    ['/posts/', ['posts', '']],
    ['/a%20b.html', ['a b.html']],
  ])('accepts %s', (raw, segments) => {
    expect(siteSegments(raw)).toEqual(segments);
  });

  it.each([
    '/../package.json',
    '/img/../../package.json',
    '/%2e%2e/package.json',
    '/..%2fpackage.json',
    '/img%2f..%2f..%2fpackage.json',
    '/img\\..\\..\\package.json',
    '/.gitignore',
    '/index.html%00.jpg',
    '/%E0%A4%A',
    '//etc/passwd',
    'img/a.jpg',
  ])('rejects %s', (raw) => {
    expect(() => siteSegments(raw)).toThrow(SitePathError);
  });

  it('maps a folder to its index.html and never leaves the site folder', () => {
    expect(siteFileFor('/srv/site', '/')).toBe(path.join('/srv/site', 'index.html'));
    expect(siteFileFor('/srv/site', '/posts/nix-vms.html')).toBe(path.join('/srv/site', 'posts', 'nix-vms.html'));
    expect(() => siteFileFor('/srv/site', '/%2e%2e/%2e%2e/etc/passwd')).toThrow(SitePathError);
  });
});
