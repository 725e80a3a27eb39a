// The lab's small website (lessons 4 and 5): what files it has and how big they are. The bytes
// are generated (generate-site.ts), never downloaded, so every machine serves the same site.

export type SiteFileKind = 'html' | 'css' | 'js' | 'binary';

export interface SiteFile {
  /** Site path, e.g. `/img/photo-01.jpg`; the file lives at the same place under the site folder. */
  path: string;
  bytes: number;
  kind: SiteFileKind;
}

/** Bump when the layout or the generator changes, so old generated folders are rebuilt. */
export const SITE_VERSION = 1;

/**
 * Every file gets this modification time, as files embedded in a Go binary all share one: ETags
 * derived from size and mtime stay the same each time the site is generated.
 */
export const SITE_MTIME = new Date('2024-01-01T00:00:00Z');

const KB = 1024;

/** A personal site like the story's: pages, a stylesheet, a script bundle, photos, a font. */
export const SITE_FILES: readonly SiteFile[] = [
  { path: '/index.html', bytes: 14 * KB, kind: 'html' },
  { path: '/about.html', bytes: 9 * KB, kind: 'html' },
  { path: '/posts/rust-first-steps.html', bytes: 38 * KB, kind: 'html' },
  { path: '/posts/load-testing.html', bytes: 52 * KB, kind: 'html' },
  { path: '/posts/profiling.html', bytes: 61 * KB, kind: 'html' },
  { path: '/posts/nix-vms.html', bytes: 27 * KB, kind: 'html' },
  { path: '/css/site.css', bytes: 44 * KB, kind: 'css' },
  { path: '/js/site.js', bytes: 186 * KB, kind: 'js' },
  { path: '/fonts/inter.woff2', bytes: 98 * KB, kind: 'binary' },
  { path: '/favicon.ico', bytes: 4 * KB, kind: 'binary' },
  { path: '/img/avatar.png', bytes: 31 * KB, kind: 'binary' },
  { path: '/img/photo-01.jpg', bytes: 1024 * KB, kind: 'binary' },
  { path: '/img/photo-02.jpg', bytes: 612 * KB, kind: 'binary' },
  { path: '/img/photo-03.jpg', bytes: 388 * KB, kind: 'binary' },
  { path: '/img/photo-04.jpg', bytes: 247 * KB, kind: 'binary' },
  { path: '/img/photo-05.jpg', bytes: 156 * KB, kind: 'binary' },
  { path: '/img/photo-06.jpg', bytes: 92 * KB, kind: 'binary' },
  { path: '/img/diagram-01.png', bytes: 71 * KB, kind: 'binary' },
  { path: '/img/diagram-02.png', bytes: 48 * KB, kind: 'binary' },
  { path: '/img/thumb-01.jpg', bytes: 12 * KB, kind: 'binary' },
  { path: '/img/thumb-02.jpg', bytes: 9 * KB, kind: 'binary' },
];

export function siteBytes(files: ReadonlyArray<{ bytes: number }> = SITE_FILES): number {
  return files.reduce((sum, file) => sum + file.bytes, 0);
}
