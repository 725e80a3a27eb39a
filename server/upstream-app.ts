// The "upstream" of lesson 4: a tiny HTTP server that serves the redirect map after a set delay,
// standing in for the GitHub Gist of the story. Tests can make it fail (`failing`), to show what
// each variant does when its upstream is down.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { REDIRECTS, REDIRECTS_ROUTE } from '../lessons/support/site/redirects.js';

export interface Upstream {
  handler: RequestListener;
  /** Map requests served (or failed) so far. */
  requests: number;
  failing: boolean;
}

export function createUpstream(options: { latencyMs: number }): Upstream {
  const body = JSON.stringify(REDIRECTS);
  const upstream: Upstream = {
    requests: 0,
    failing: false,
    handler: (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://upstream');
      if (req.method === 'GET' && url.pathname === REDIRECTS_ROUTE) {
        upstream.requests += 1;
        setTimeout(() => {
          if (upstream.failing) send(res, 503, { error: 'upstream told to fail' });
          else send(res, 200, body);
        }, options.latencyMs);
      } else {
        send(res, 404, { error: `No route ${req.method} ${url.pathname}; the upstream serves ${REDIRECTS_ROUTE}` });
      }
    },
  };
  return upstream;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
