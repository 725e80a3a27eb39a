// The library's answer: express.static (serve-static and send underneath) streams the file and
// derives a weak ETag from size and mtime, as the fix does by hand. `redirect: false` so a folder
// without a trailing slash is a 404 here too, not a redirect.
import express from 'express';
import type { SiteVariantFactory } from '../../core/lesson.js';

export const expressStatic: SiteVariantFactory = (lab) => express.static(lab.siteDir, { redirect: false });
