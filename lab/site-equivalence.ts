// Before any load, for site lessons: every variant must answer the same probes the same way —
// same status, same bytes, same Location, same Content-Type — for every file and short link of
// the mix, the home page, missing files, traversal attempts, and conditional requests made with
// the ETag each variant itself gave.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { TIMING } from '../core/defaults.js';
import { throwIfAborted } from '../core/errors.js';
import type { Lesson, Params, Variant } from '../core/lesson.js';
import { withInProcessApp } from './equivalence.js';

export interface SiteProbeAnswer {
  probe: string;
  /** `status location content-type sha1(body)`: what must match across variants. */
  summary: string;
}

export interface SiteAnswers {
  variant: string;
  answers: SiteProbeAnswer[];
}

/**
 * Paths every site must answer the same way beside its mix, with the status each must get. Sent
 * raw: no client normalizes them.
 */
export const EDGE_PROBES: ReadonlyArray<{ path: string; status: number }> = [
  { path: '/', status: 200 },
  { path: '/no-such-file.html', status: 404 },
  { path: '/img/', status: 404 },
  { path: '/img', status: 404 },
  { path: `/${'a'.repeat(300)}.html`, status: 404 }, // longer than a file name may be
  { path: '/../package.json', status: 400 },
  { path: '/img/../../package.json', status: 400 },
  { path: '/%2e%2e/package.json', status: 400 },
  { path: '/..%2fpackage.json', status: 400 },
  { path: '/img%2f..%2f..%2fpackage.json', status: 400 },
  { path: '/.gitignore', status: 400 },
  { path: '/index.html%00.jpg', status: 400 },
  { path: '/%E0%A4%A', status: 400 },
  { path: '/img\\..\\..\\package.json', status: 400 },
];

/**
 * What the answers must be, beyond agreeing: every path of the mix a file (200) or a short link
 * (301); every file 304 with its own ETag and 200 with a stale one; the edge paths as listed.
 * Returns the first broken expectation, or null.
 */
export function findBrokenAnswer(answers: readonly SiteProbeAnswer[], mix: readonly string[]): string | null {
  const byProbe = new Map(answers.map((a) => [a.probe, a.summary]));
  const expect = (probe: string, status: RegExp): string | null => {
    const summary = byProbe.get(probe);
    return summary !== undefined && status.test(summary) ? null : `${probe} answered ${summary ?? 'nothing'}`;
  };
  for (const p of mix) {
    const problem = expect(`GET ${p}`, /^(200|301) /);
    if (problem) return problem;
    if (byProbe.get(`GET ${p}`)?.startsWith('200 ')) {
      const revalidated = expect(`GET ${p} with its ETag`, /^304 /) ?? expect(`GET ${p} with a stale ETag`, /^200 /);
      if (revalidated) return revalidated;
    }
  }
  for (const edge of EDGE_PROBES) {
    const problem = expect(`GET ${edge.path}`, new RegExp(`^${edge.status} `));
    if (problem) return problem;
  }
  return null;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET with the path exactly as given (fetch() would resolve `..` before sending). */
export function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers, timeout: TIMING.labRequestTimeoutMs }, (res) => {
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

interface ProbeOptions {
  params: Params;
  siteDir: string;
  upstreamUrl: string | null;
  /** Ctrl+C: stop between probes (with a slow upstream, lesson 4's probes take a while). */
  signal?: AbortSignal;
}

export async function fetchSiteAnswers(lesson: Lesson, options: ProbeOptions): Promise<SiteAnswers[]> {
  if (!lesson.site) throw new Error(`lesson ${lesson.id} has no site`);
  const mix = lesson.site.mix(options.params);
  const results: SiteAnswers[] = [];
  for (const variant of lesson.variants) {
    results.push({ variant: variant.name, answers: await probeVariant(lesson, variant, mix, options) });
  }
  return results;
}

async function probeVariant(lesson: Lesson, variant: Variant, mix: readonly string[], options: ProbeOptions): Promise<SiteProbeAnswer[]> {
  const { signal, ...appOptions } = options;
  return withInProcessApp({ lesson, variant, ...appOptions }, async (port, prefix) => {
    const answers: SiteProbeAnswer[] = [];
    for (const path of [...new Set([...mix, ...EDGE_PROBES.map((edge) => edge.path)])]) {
      throwIfAborted(signal);
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
  });
}

/** The first probe a variant answers differently from the baseline, or null when all agree. */
export function findSiteMismatch(all: readonly SiteAnswers[]): { probe: string; baselineVariant: string; baseline: string; variant: string; other: string } | null {
  const [baseline, ...others] = all;
  if (!baseline) return null;
  for (const other of others) {
    const theirs = new Map(other.answers.map((a) => [a.probe, a.summary]));
    for (const answer of baseline.answers) {
      const summary = theirs.get(answer.probe) ?? 'no answer';
      if (summary !== answer.summary) return { probe: answer.probe, baselineVariant: baseline.variant, baseline: answer.summary, variant: other.variant, other: summary };
    }
    if (other.answers.length !== baseline.answers.length) {
      return { probe: 'the set of probes', baselineVariant: baseline.variant, baseline: `${baseline.answers.length} answers`, variant: other.variant, other: `${other.answers.length} answers` };
    }
  }
  return null;
}
