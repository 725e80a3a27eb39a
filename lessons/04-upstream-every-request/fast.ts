// The fix: keep the map in memory and refresh it in the background every `refreshMs`. A failed
// refresh keeps the last good map, so the site stays up while the upstream is down.
import type { SiteVariantFactory } from '../../core/lesson.js';
import { fetchRedirectMap, sendNoRedirectMap, type RedirectMap } from '../support/site/redirects.js';
import { redirectOrServe, upstreamOf } from './route.js';

export const cachedMapBackgroundRefresh: SiteVariantFactory = (lab) => {
  const upstream = upstreamOf(lab);
  let map: RedirectMap | null = null;
  let lastError = 'not fetched yet';
  let refreshing: Promise<void> | null = null;

  const refresh = (): Promise<void> => {
    // One refresh at a time: with a slow upstream, ticks must not pile up behind each other.
    refreshing ??= (async () => {
      lab.counters.add('upstreamFetches');
      try {
        map = await fetchRedirectMap(upstream);
      } catch (error) {
        lab.counters.add('upstreamFailures');
        lastError = (error as Error).message; // keep serving the last good map
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  };

  const firstLoad = refresh();
  const timer = setInterval(() => void refresh(), lab.params.refreshMs).unref();
  lab.closed.addEventListener('abort', () => clearInterval(timer), { once: true });

  return async function routeWithCachedMap(req, res, next) {
    if (!map) await firstLoad; // only the first requests wait, and only for the first fetch
    if (!map) {
      sendNoRedirectMap(res, lastError);
      return;
    }
    await redirectOrServe(lab, map, req, res, next);
  };
};
