// Site paths come from the network: decode and check them once, in front of every variant, so a
// `..` or an encoded slash never reaches the file system (nor express.static) and every variant
// answers bad paths the same way.
import path from 'node:path';
import type { Request, Response } from 'express';

export class SitePathError extends Error {}

/**
 * Decodes a URL path (`/img/photo%2001.jpg`) into its segments, or throws SitePathError for
 * what no site file can be called: bad percent-encoding, `.` or `..`, hidden names, NUL,
 * backslashes, and slashes encoded inside a segment.
 */
export function siteSegments(rawPath: string): string[] {
  if (!rawPath.startsWith('/')) throw new SitePathError('a site path starts with /');
  const segments = rawPath.slice(1).split('/');
  return segments.map((raw, index) => {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw new SitePathError('the path is not valid percent-encoding');
    }
    if (segment === '' && index === segments.length - 1) return segment; // trailing slash: a folder
    if (segment === '' || segment === '.' || segment === '..') throw new SitePathError('the path has an empty, `.` or `..` segment');
    if (segment.startsWith('.')) throw new SitePathError('hidden files are not served');
    if (/[\\/\0]/.test(segment)) throw new SitePathError('the path has a backslash, an encoded slash or a NUL');
    return segment;
  });
}

/** The file for a checked site path; a trailing slash means the folder's index.html. */
export function siteFileFor(siteDir: string, rawPath: string): string {
  const segments = siteSegments(rawPath);
  if (segments.at(-1) === '') segments[segments.length - 1] = 'index.html';
  const root = path.resolve(siteDir);
  const file = path.join(root, ...segments);
  // Belt and braces: the checks above already keep every path inside the folder.
  if (!file.startsWith(root + path.sep)) throw new SitePathError('the path leaves the site folder');
  return file;
}

/** The decoded site path, e.g. `/gh` or `/img/a.jpg`: what a redirect map is keyed by. */
export function decodedSitePath(rawPath: string): string {
  return `/${siteSegments(rawPath).join('/')}`;
}

/** The 400 every variant gives for a path no file can have. */
export function sendBadSitePath(req: Request, res: Response, error: SitePathError): void {
  res.status(400).json({ error: `Bad site path: ${error.message}`, path: req.path });
}

/**
 * In front of every site variant: answers 405 for methods other than GET and HEAD, and 400 for
 * a path no file can have. Returns whether it answered (the variant must not).
 */
export function rejectBadSiteRequest(req: Request, res: Response): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.status(405).set('Allow', 'GET, HEAD').json({ error: `${req.method} is not allowed: the site answers GET and HEAD`, path: req.path });
    return true;
  }
  try {
    siteSegments(req.path);
  } catch (error) {
    if (!(error instanceof SitePathError)) throw error;
    sendBadSitePath(req, res, error);
    return true;
  }
  return false;
}

/** After every site variant: the one 404 all of them give. */
export function siteNotFound(req: Request, res: Response): void {
  res.status(404).json({ error: 'No such file on this site', path: req.path });
}
