// Your turn: this is the slow handler, readfile-sha1. A browser that already has a file sends its
// ETag back (If-None-Match) and only needs a 304, yet this handler reads and hashes the whole file
// first. Make a revalidation read at least 10 times fewer bytes (the kernel counts every byte the
// server reads, so removing a counter below changes nothing) and keep every answer the same:
// files, 304s for a current ETag, the file again for a stale one, 404s and 400s.
// Check with `npm run lesson:5 -- --exercise`; `--hint` when stuck; `npm run watch -- 5` re-checks
// on every save.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SiteVariantFactory } from '../../core/lesson.js';
import { answerNotModified, setFileHeaders, statSiteFile } from '../support/site/serve-file.js';

export const exercise: SiteVariantFactory = (lab) =>
  async function exerciseHandler(req, res, next) {
    const found = await statSiteFile(lab.siteDir, req.path);
    if (!found) {
      next();
      return;
    }
    const contents = await readFile(found.file);
    const etag = `"${createHash('sha1').update(contents).digest('hex')}"`;
    lab.counters.add('filesOpened');
    lab.counters.add('bytesHashed', contents.length);
    setFileHeaders(res, found.file, contents.length, etag);
    if (answerNotModified(req, res)) return;
    res.end(req.method === 'HEAD' ? undefined : contents);
  };
