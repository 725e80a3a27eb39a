// Serving one site file the way the story's fix does: stat it, derive the ETag from its name,
// size and mtime (a hash of a short string, not of the contents), answer a matching
// If-None-Match with 304, and otherwise stream the bytes in small chunks.
import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { NextFunction, Request, Response } from 'express';
import { contentType } from 'mime-types';
import type { LabContext } from '../../../core/lesson.js';
import { siteFileFor } from './site-path.js';

/** stat() the site file for a raw path; null when there is no regular file there. */
export async function statSiteFile(siteDir: string, rawPath: string): Promise<{ file: string; stats: Stats } | null> {
  const file = siteFileFor(siteDir, rawPath);
  try {
    const stats = await stat(file);
    return stats.isFile() ? { file, stats } : null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // As send (express.static) does: a name too long for the file system names no file either.
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return null;
    throw error;
  }
}

/** The story's cheap ETag: SHA-1 of `name:size:mtime`, a few dozen bytes whatever the file's size. */
export function metadataEtag(file: string, stats: Stats): string {
  return `"${createHash('sha1').update(`${path.basename(file)}:${stats.size}:${stats.mtimeMs}`).digest('hex')}"`;
}

/** Headers every hand-written variant sends with a file, as express.static does. */
export function setFileHeaders(res: Response, file: string, bytes: number, etag: string): void {
  res.setHeader('Content-Type', contentType(path.extname(file)) || 'application/octet-stream');
  res.setHeader('Content-Length', bytes);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'public, max-age=0');
}

/** Answers 304 when the request's If-None-Match matches the ETag just set (express's req.fresh). */
export function answerNotModified(req: Request, res: Response): boolean {
  if (!req.fresh) return false;
  res.removeHeader('Content-Length');
  res.removeHeader('Content-Type');
  res.status(304).end();
  return true;
}

/** Streams a site file with a metadata ETag, or calls next() when there is none. */
export async function streamSiteFile(lab: Pick<LabContext, 'siteDir' | 'counters'>, req: Request, res: Response, next: NextFunction): Promise<void> {
  const found = await statSiteFile(lab.siteDir, req.path);
  if (!found) {
    next();
    return;
  }
  setFileHeaders(res, found.file, found.stats.size, metadataEtag(found.file, found.stats));
  if (answerNotModified(req, res)) return;
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // 64 KB chunks: the memory in use stays the same whatever the file's size. Giving the end
  // (as send does for express.static) saves the last read, the one that would only find EOF.
  const size = found.stats.size;
  lab.counters.add('filesOpened');
  await pipeline(createReadStream(found.file, size > 0 ? { start: 0, end: size - 1 } : {}), res);
}
