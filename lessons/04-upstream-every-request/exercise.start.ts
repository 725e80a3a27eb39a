// Your turn: this is the slow handler, fetch-per-request. Make the site serve at least 5 times
// its req/s at the lesson's load, with the same answers: the same files, redirects, 304s and
// errors, and the site still up while the upstream is down once it has answered. Look at what
// every request waits for before it is even looked at.
// Check with `npm run lesson:4 -- --exercise`; `--hint` when stuck; `npm run watch -- 4` re-checks
// on every save.
import type { SiteVariantFactory } from '../../core/lesson.js';
import { fetchRedirectMap, sendNoRedirectMap } from '../support/site/redirects.js';
import { redirectOrServe, upstreamOf } from './route.js';

export const exercise: SiteVariantFactory = (lab) => {
  const upstream = upstreamOf(lab);
  return async function exerciseHandler(req, res, next) {
    lab.counters.add('upstreamFetches');
    let map;
    try {
      map = await fetchRedirectMap(upstream);
    } catch (error) {
      lab.counters.add('upstreamFailures');
      sendNoRedirectMap(res, (error as Error).message);
      return;
    }
    await redirectOrServe(lab, map, req, res, next);
  };
};
