// Writes the lab's site (site-layout.ts) into a folder, deterministically: the same bytes and
// the same mtime on every machine and every run. A manifest written last says the folder is
// complete; ensureSite() rebuilds only when it is missing or from another layout version.
import { createCipheriv, createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from '../../../core/proc-stat.js';
import { SITE_FILES, SITE_MTIME, SITE_VERSION, siteBytes, type SiteFile } from './site-layout.js';

export interface SiteManifest {
  version: number;
  files: { path: string; bytes: number; sha1: string }[];
}

export const MANIFEST_FILE = 'manifest.json';

/** `21 files, 3.1 MB` (MB of 2^20 bytes, as `ls -h` shows them). */
export function describeSite(manifest: SiteManifest): string {
  return `${manifest.files.length} files, ${(siteBytes(manifest.files) / 1024 / 1024).toFixed(1)} MB`;
}

/** Makes sure `dir` holds the current site; returns its manifest. */
export async function ensureSite(dir: string): Promise<SiteManifest> {
  const existing = await readManifest(dir);
  if (existing && existing.version === SITE_VERSION) return existing;
  return generateSite(dir);
}

async function readManifest(dir: string): Promise<SiteManifest | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as SiteManifest;
  } catch {
    return null;
  }
}

export async function generateSite(dir: string): Promise<SiteManifest> {
  await rm(path.join(dir, MANIFEST_FILE), { force: true }); // incomplete until rewritten
  await removeTempFiles(dir);
  const manifest: SiteManifest = { version: SITE_VERSION, files: [] };
  for (const file of SITE_FILES) {
    const bytes = contentOf(file);
    const target = path.join(dir, ...file.path.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.tmp-${process.pid}`;
    await writeFile(temp, bytes);
    await utimes(temp, SITE_MTIME, SITE_MTIME);
    await rename(temp, target);
    manifest.files.push({ path: file.path, bytes: bytes.length, sha1: createHash('sha1').update(bytes).digest('hex') });
  }
  const temp = path.join(dir, `${MANIFEST_FILE}.tmp-${process.pid}`);
  await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temp, path.join(dir, MANIFEST_FILE));
  return manifest;
}

/**
 * Temp files of a generation that was killed half-way (only in the site's own folders, and only
 * those of a dead process: another generation may be writing its own right now).
 */
async function removeTempFiles(dir: string): Promise<void> {
  const folders = new Set(SITE_FILES.map((file) => path.dirname(path.join(dir, ...file.path.split('/')))));
  for (const folder of folders) {
    const names = await readdir(folder).catch(() => [] as string[]);
    const orphans = names.filter((name) => {
      const pid = /\.tmp-(\d+)$/.exec(name)?.[1];
      return pid !== undefined && !isAlive(Number(pid));
    });
    await Promise.all(orphans.map((name) => rm(path.join(folder, name), { force: true })));
  }
}

/** The exact bytes of one file: text for pages, styles and scripts, noise (like JPEG data) otherwise. */
export function contentOf(file: SiteFile): Buffer {
  const noise = pseudoRandomBytes(file.path, file.bytes);
  if (file.kind === 'binary') return noise;
  return fitText(textOf(file, noise), file.bytes);
}

/** AES-CTR over zeros with a key from the path: fast, and the same everywhere. */
function pseudoRandomBytes(seed: string, length: number): Buffer {
  const key = createHash('sha256').update(`hotpath-site:${seed}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
}

const WORDS = ['profile', 'latency', 'request', 'handler', 'buffer', 'stream', 'cache', 'redirect', 'server', 'load', 'flame', 'graph', 'allocation', 'garbage', 'collector', 'throughput', 'percentile', 'upstream', 'static', 'asset', 'hash', 'etag', 'browser', 'rust', 'go', 'node', 'event', 'loop', 'worker', 'kernel'];

function words(noise: Buffer, from: number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(WORDS[noise[(from + i) % noise.length]! % WORDS.length]!);
  return out.join(' ');
}

function textOf(file: SiteFile, noise: Buffer): string {
  const line = (i: number): string => {
    if (file.kind === 'html') return `<p>${words(noise, i * 24, 24)}.</p>\n`;
    if (file.kind === 'css') return `.${WORDS[i % WORDS.length]}-${i} { margin: ${i % 17}px; color: #${noise.subarray(i % 1000, (i % 1000) + 3).toString('hex')}; }\n`;
    return `export function ${WORDS[i % WORDS.length]}${i}(x) { return x * ${noise[i % noise.length]} + ${i}; } // ${words(noise, i, 4)}\n`;
  };
  const head = file.kind === 'html' ? `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${file.path}</title><link rel="stylesheet" href="/css/site.css"></head><body>\n` : '';
  const tail = file.kind === 'html' ? '</body></html>\n' : '';
  const parts = [head];
  let length = head.length + tail.length;
  for (let i = 0; ; i++) {
    const next = line(i);
    if (length + next.length > file.bytes) break;
    parts.push(next);
    length += next.length;
  }
  parts.push(tail);
  return parts.join('');
}

/** Pads with spaces (or cuts, for a tiny file) so the file has exactly `bytes` bytes. */
function fitText(text: string, bytes: number): Buffer {
  const encoded = Buffer.from(text, 'utf8');
  if (encoded.length >= bytes) return encoded.subarray(0, bytes);
  return Buffer.concat([encoded, Buffer.alloc(bytes - encoded.length, 0x20)]);
}
