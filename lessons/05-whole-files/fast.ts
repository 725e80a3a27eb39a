// The story's fix: stat the file, hash only its name, size and mtime for the ETag (metadataEtag
// in lessons/support/site/serve-file.ts, shared with lesson 4), answer a matching If-None-Match with 304
// without opening the file, and otherwise stream the bytes in 64 KB chunks.
import type { SiteVariantFactory } from '../../core/lesson.js';
import { streamSiteFile } from '../support/site/serve-file.js';

export const streamStatEtag: SiteVariantFactory = (lab) =>
  async function streamWithMetadataEtag(req, res, next) {
    await streamSiteFile(lab, req, res, next);
  };
