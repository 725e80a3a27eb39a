// Short links, as the story's site keeps them in a GitHub Gist: a JSON object from a site path to
// a URL. The lab's upstream serves this map; lesson 4's variants fetch and parse it.
import type { Response } from 'express';
import { TIMING } from '../../../core/defaults.js';

export type RedirectMap = ReadonlyMap<string, string>;

const NAMED: Record<string, string> = {
  '/gh': 'https://github.com/hotpath-lab',
  '/talks': 'https://example.org/talks',
  '/cv': 'https://example.org/cv.pdf',
  '/mastodon': 'https://example.social/@hotpath',
  '/rss': 'https://example.org/index.xml',
};

/** The map the upstream serves: a few named links and 40 numbered ones, about 3.5 KB of JSON. */
export const REDIRECTS: Readonly<Record<string, string>> = Object.freeze({
  ...NAMED,
  ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return [`/go/link-${n}`, `https://example.org/articles/${n}/a-long-enough-slug-for-a-real-link`];
  })),
});

/** Upstream route that serves the map. */
export const REDIRECTS_ROUTE = '/redirects.json';

/** Checks an upstream answer: an object of site paths to http(s) URLs, nothing else. */
export function parseRedirectMap(text: string): RedirectMap {
  const value: unknown = JSON.parse(text);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('the redirect map is not a JSON object');
  const map = new Map<string, string>();
  for (const [from, to] of Object.entries(value)) {
    if (!from.startsWith('/') || typeof to !== 'string' || !/^https?:\/\//.test(to)) {
      throw new Error(`bad redirect entry ${JSON.stringify(from)}`);
    }
    map.set(from, to);
  }
  return map;
}

/** GETs and parses the map; throws on a network error, a non-200 or a bad body. */
export async function fetchRedirectMap(upstreamUrl: string): Promise<RedirectMap> {
  const response = await fetch(`${upstreamUrl}${REDIRECTS_ROUTE}`, { signal: AbortSignal.timeout(TIMING.upstreamFetchTimeoutMs) });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`upstream answered ${response.status}`);
  return parseRedirectMap(body);
}

/** The one way every variant answers a short link, so their answers are byte for byte the same. */
export function sendRedirect(res: Response, location: string): void {
  res.redirect(301, location);
}

/** The one way every variant says it has no map to route by. */
export function sendNoRedirectMap(res: Response, reason: string): void {
  res.status(502).json({ error: `The redirect map is unavailable: ${reason}` });
}
