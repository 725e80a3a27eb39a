// The story's bug: the redirect map is fetched from upstream before every lookup, so every
// request, a file's included, waits one upstream round trip (and parses the map again).
import type { SiteVariantFactory } from '../../core/lesson.js';
import { fetchRedirectMap, sendNoRedirectMap } from '../support/site/redirects.js';
import { redirectOrServe, upstreamOf } from './route.js';

export const fetchPerRequest: SiteVariantFactory = (lab) => {
  const upstream = upstreamOf(lab);
  return async function fetchMapThenRoute(req, res, next) {
    lab.counters.add('upstreamFetches');
    let map;
    try {
      map = await fetchRedirectMap(upstream);
    } catch (error) {
      lab.counters.add('upstreamFailures');
      sendNoRedirectMap(res, (error as Error).message); // upstream down: the whole site is down
      return;
    }
    await redirectOrServe(lab, map, req, res, next);
  };
};
