// The story's first version: read the whole file into memory, SHA-1 all of it for the ETag, then
// send the buffer. Every request allocates the file's size and hashes every byte, even when the
// browser already has the file and only needs a 304.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SiteVariantFactory } from '../../core/lesson.js';
import { answerNotModified, setFileHeaders, statSiteFile } from '../support/site/serve-file.js';

export const readFileSha1: SiteVariantFactory = (lab) =>
  async function readAndHashWholeFile(req, res, next) {
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
