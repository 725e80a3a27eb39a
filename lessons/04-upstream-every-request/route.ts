// What both variants do once they have a redirect map, exactly as the story's server does:
// a short link redirects; anything else is looked up as a file (streamed, metadata ETag).
import type { NextFunction, Request, Response } from 'express';
import type { LabContext } from '../../core/lesson.js';
import { sendRedirect, type RedirectMap } from '../support/site/redirects.js';
import { streamSiteFile } from '../support/site/serve-file.js';
import { decodedSitePath } from '../support/site/site-path.js';

export async function redirectOrServe(lab: LabContext, map: RedirectMap, req: Request, res: Response, next: NextFunction): Promise<void> {
  const target = map.get(decodedSitePath(req.path));
  if (target) {
    sendRedirect(res, target);
    return;
  }
  await streamSiteFile(lab, req, res, next);
}

export function upstreamOf(lab: LabContext): string {
  if (!lab.upstreamUrl) throw new Error('lesson 4 needs the redirect-map upstream (--upstream)');
  return lab.upstreamUrl;
}
