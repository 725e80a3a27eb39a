// Before any load, for site lessons: every variant must answer the same probes the same way —
// same status, same bytes, same Location, same Content-Type — for every file and short link of
// the mix, the home page, missing files, traversal attempts, and conditional requests made with
// the ETag each variant itself gave.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, variantPath } from '../server/app.js';
import type { Lesson, Params, Variant } from '../server/lesson-types.js';

export interface SiteProbeAnswer {
  probe: string;
  /** `status location content-type sha1(body)`: what must match across variants. */
  summary: string;
}

export interface SiteAnswers {
  variant: string;
  answers: SiteProbeAnswer[];
}

/** Paths every site must answer the same way, beside its mix. Sent raw: no client normalizes them. */
export const EDGE_PROBES: readonly string[] = [
  '/',
  '/no-such-file.html',
  '/img/',
  '/img',
  '/../package.json',
  '/img/../../package.json',
  '/%2e%2e/package.json',
  '/..%2fpackage.json',
  '/img%2f..%2f..%2fpackage.json',
  '/.gitignore',
  '/index.html%00.jpg',
  '/%E0%A4%A',
  '/img\\..\\..\\package.json',
];

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET with the path exactly as given (fetch() would resolve `..` before sending). */
export function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

function summarize(response: RawResponse): string {
  const location = String(response.headers.location ?? '-');
  const type = response.status === 304 ? '-' : String(response.headers['content-type'] ?? '-').toLowerCase();
  return `${response.status} ${location} ${type} sha1:${createHash('sha1').update(response.body).digest('hex').slice(0, 12)} (${response.body.length} B)`;
}

export async function fetchSiteAnswers(
  lesson: Lesson,
  options: { params: Params; siteDir: string; upstreamUrl: string | null },
): Promise<SiteAnswers[]> {
  if (!lesson.site) throw new Error(`lesson ${lesson.id} has no site`);
  const mix = lesson.site.mix(options.params);
  const results: SiteAnswers[] = [];
  for (const variant of lesson.variants) {
    results.push({ variant: variant.name, answers: await probeVariant(lesson, variant, mix, options) });
  }
  return results;
}

async function probeVariant(lesson: Lesson, variant: Variant, mix: readonly string[], options: { params: Params; siteDir: string; upstreamUrl: string | null }): Promise<SiteProbeAnswer[]> {
  const { app, close } = createApp({ lesson, variant, instrumented: false, ...options });
  const server = app.listen(0, '127.0.0.1');
  try {
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    const { port } = server.address() as AddressInfo;
    const prefix = variantPath(lesson, variant);
    const answers: SiteProbeAnswer[] = [];
    for (const path of [...new Set([...mix, ...EDGE_PROBES])]) {
      const response = await rawGet(port, `${prefix}${path}`);
      answers.push({ probe: `GET ${path}`, summary: summarize(response) });
      const etag = response.headers.etag;
      if (typeof etag !== 'string') continue;
      // A browser with a warm cache: its own ETag back must give 304; a stale one, the file again.
      const revalidated = await rawGet(port, `${prefix}${path}`, { 'if-none-match': etag });
      answers.push({ probe: `GET ${path} with its ETag`, summary: summarize(revalidated) });
      const stale = await rawGet(port, `${prefix}${path}`, { 'if-none-match': '"stale"' });
      answers.push({ probe: `GET ${path} with a stale ETag`, summary: summarize(stale) });
    }
    return answers;
  } finally {
    close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The first probe a variant answers differently from the baseline, or null when all agree. */
export function findSiteMismatch(all: readonly SiteAnswers[]): { probe: string; baseline: string; variant: string; other: string } | null {
  const [baseline, ...others] = all;
  if (!baseline) return null;
  for (const other of others) {
    const theirs = new Map(other.answers.map((a) => [a.probe, a.summary]));
    for (const answer of baseline.answers) {
      const summary = theirs.get(answer.probe) ?? 'no answer';
      if (summary !== answer.summary) return { probe: answer.probe, baseline: `${baseline.variant}: ${answer.summary}`, variant: other.variant, other: summary };
    }
    if (other.answers.length !== baseline.answers.length) {
      return { probe: 'the set of probes', baseline: `${baseline.variant}: ${baseline.answers.length} answers`, variant: other.variant, other: `${other.answers.length} answers` };
    }
  }
  return null;
}
