// Lessons 4 and 5 in-process: every variant answers the same, bad paths get 400/404, the cached
// map survives a failing upstream, and the work counters say what each variant really did.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Lesson } from '../../core/lesson.js';
import { parseParams } from '../../core/params.js';
import { EDGE_PROBES, fetchSiteAnswers, findBrokenAnswer, findSiteMismatch, rawGet } from '../../lab/site-equivalence.js';
import { findLesson } from '../../lessons/catalog.js';
import { ensureSite } from '../../lessons/support/site/generate-site.js';
import { REDIRECTS } from '../../lessons/support/site/redirects.js';
import { setFileHeaders } from '../../lessons/support/site/serve-file.js';
import { SITE_FILES } from '../../lessons/support/site/site-layout.js';
import { createApp, type LabApp } from '../../server/app.js';
import type { LabMetricsSnapshot } from '../../server/lab-metrics.js';
import { createUpstream, type Upstream } from '../../server/upstream-app.js';
import { listen, type Listening } from '../helpers/listen.js';

const upstreamLesson = findLesson(4)!;
const wholeFiles = findLesson(5)!;
let siteDir = '';
let upstream: Upstream;
let upstreamServer: Listening;
const open: Array<{ lab: LabApp; server: Listening }> = [];

beforeAll(async () => {
  siteDir = await mkdtemp(path.join(os.tmpdir(), 'hotpath-site-lessons-'));
  await ensureSite(siteDir);
  upstream = createUpstream({ latencyMs: 1 });
  upstreamServer = await listen(upstream.handler);
});

afterEach(async () => {
  upstream.failing = false;
  for (const { lab, server } of open.splice(0)) {
    lab.close();
    await server.close();
  }
});

afterAll(async () => {
  await upstreamServer.close();
  await rm(siteDir, { recursive: true, force: true });
});

async function serve(lesson: Lesson, variantName: string, raw: Record<string, string> = {}): Promise<{ port: number; prefix: string; metrics: () => Promise<LabMetricsSnapshot> }> {
  const variant = lesson.variants.find((v) => v.name === variantName)!;
  const lab = createApp({ lesson, variant, params: parseParams(lesson.params, raw), siteDir, upstreamUrl: upstreamServer.url });
  const server = await listen(lab.app);
  open.push({ lab, server });
  return {
    port: server.port,
    prefix: lab.path,
    metrics: async () => (await (await fetch(`${server.url}/__lab/metrics`)).json()) as LabMetricsSnapshot,
  };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each([
  [4, upstreamLesson],
  [5, wholeFiles],
])('lesson %i: every variant answers the same', (_id, lesson) => {
  it('for every file and short link of the mix, 304s with its own ETag, and every edge path', async () => {
    const all = await fetchSiteAnswers(lesson, { params: parseParams(lesson.params, {}), siteDir, upstreamUrl: upstreamServer.url });
    expect(findSiteMismatch(all)).toBeNull();
    const answers = new Map(all[0]!.answers.map((a) => [a.probe, a.summary]));
    for (const file of lesson.site!.mix({})) {
      const expected = file in REDIRECTS ? /^301 https:\/\// : /^200 - /;
      expect(answers.get(`GET ${file}`), file).toMatch(expected);
      if (!(file in REDIRECTS)) {
        expect(answers.get(`GET ${file} with its ETag`), file).toMatch(/^304 /);
        expect(answers.get(`GET ${file} with a stale ETag`), file).toMatch(/^200 /);
      }
    }
    expect(answers.get('GET /')).toMatch(/^200 - text\/html; charset=utf-8/);
    for (const edge of EDGE_PROBES) expect(answers.get(`GET ${edge.path}`), edge.path).toMatch(new RegExp(`^${edge.status} `));
    for (const traversal of EDGE_PROBES.filter((edge) => /\.\.|%2e/i.test(edge.path))) {
      expect(answers.get(`GET ${traversal.path}`), traversal.path).toMatch(/^400 - application\/json/);
    }
    expect(findBrokenAnswer(all[0]!.answers, lesson.site!.mix({}))).toBeNull();
  });
});

describe('site errors', () => {
  it('a handler that fails after setting a file\'s headers answers a plain 500 JSON, without them', async () => {
    const failing: Lesson = {
      ...wholeFiles,
      variants: [{ name: 'fails-on-open', summary: 'sets the headers, then cannot open the file', serve: () => async (_req, res) => {
        setFileHeaders(res, '/site/img/photo-01.jpg', 1024, '"etag"');
        throw new Error('EMFILE: too many open files');
      } }],
    };
    const server = await serve(failing, 'fails-on-open');
    const response = await rawGet(server.port, `${server.prefix}/img/photo-01.jpg`);
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers.etag).toBeUndefined();
    expect(JSON.parse(response.body.toString())).toEqual({ error: 'EMFILE: too many open files' });
    expect((await server.metrics()).requests).toEqual({ completed: 1, inFlight: 0 });
  });
});

describe('site methods', () => {
  it.each(wholeFiles.variants.map((v) => v.name))('%s answers POST with 405 and HEAD with headers only', async (name) => {
    const server = await serve(wholeFiles, name);
    const post = await fetch(`http://127.0.0.1:${server.port}${server.prefix}/index.html`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`http://127.0.0.1:${server.port}${server.prefix}/index.html`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(SITE_FILES[0]!.bytes));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });
});

describe('the equivalence check', () => {
  it('catches variants that agree but are all wrong', () => {
    const answers = [
      { probe: 'GET /a.html', summary: '200 - text/html sha1:1 (1 B)' },
      { probe: 'GET /a.html with its ETag', summary: '304 - - sha1:2 (0 B)' },
      { probe: 'GET /a.html with a stale ETag', summary: '200 - text/html sha1:1 (1 B)' },
      ...EDGE_PROBES.map((edge) => ({ probe: `GET ${edge.path}`, summary: `${edge.status} - x sha1:3 (1 B)` })),
    ];
    expect(findBrokenAnswer(answers, ['/a.html'])).toBeNull();
    const served = answers.map((a) => (a.probe === 'GET /../package.json' ? { ...a, summary: '200 - application/json sha1:4 (9 B)' } : a));
    expect(findBrokenAnswer(served, ['/a.html'])).toMatch(/GET \/\.\.\/package\.json answered 200/);
    const no304 = answers.map((a) => (a.probe === 'GET /a.html with its ETag' ? { ...a, summary: '200 - text/html sha1:1 (1 B)' } : a));
    expect(findBrokenAnswer(no304, ['/a.html'])).toMatch(/with its ETag answered 200/);
  });

  it('catches a variant that serves other bytes', async () => {
    const honest = wholeFiles.variants[1]!;
    const liar: Lesson = {
      ...wholeFiles,
      variants: [
        honest,
        { name: 'liar', summary: 'serves the wrong photo', serve: (lab) => (req, res, next) => {
          if (req.path === '/img/photo-02.jpg') req.url = '/img/photo-03.jpg';
          honest.serve!(lab)(req, res, next);
        } },
      ],
    };
    const mismatch = findSiteMismatch(await fetchSiteAnswers(liar, { params: {}, siteDir, upstreamUrl: null }));
    expect(mismatch?.probe).toBe('GET /img/photo-02.jpg');
    expect(mismatch?.variant).toBe('liar');
  });
});

describe('lesson 4: the upstream', () => {
  it('fetch-per-request asks the upstream on every request, files included', async () => {
    const server = await serve(upstreamLesson, 'fetch-per-request');
    const before = upstream.requests;
    for (const p of ['/index.html', '/gh', '/css/site.css']) await rawGet(server.port, `${server.prefix}${p}`);
    expect(upstream.requests - before).toBe(3);
    expect((await server.metrics()).counters.upstreamFetches).toBe(3);
  });

  it('cached-map keeps serving its last good map while the upstream fails, and fetch-per-request goes down', async () => {
    const fast = await serve(upstreamLesson, 'cached-map', { refreshMs: '50' });
    const slow = await serve(upstreamLesson, 'fetch-per-request');
    expect((await rawGet(fast.port, `${fast.prefix}/gh`)).status).toBe(301);
    upstream.failing = true;
    await until(async () => ((await fast.metrics()).counters.upstreamFailures ?? 0) >= 2, 'two failed refreshes');
    const link = await rawGet(fast.port, `${fast.prefix}/gh`);
    expect(link.status).toBe(301);
    expect(link.headers.location).toBe(REDIRECTS['/gh']);
    expect((await rawGet(fast.port, `${fast.prefix}/index.html`)).status).toBe(200);
    const down = await rawGet(slow.port, `${slow.prefix}/index.html`);
    expect(down.status).toBe(502);
    expect(JSON.parse(down.body.toString())).toMatchObject({ error: expect.stringMatching(/redirect map is unavailable: upstream answered 503/) });
  });

  it('cached-map answers 502 until its first fetch succeeds, then serves', async () => {
    upstream.failing = true;
    const fast = await serve(upstreamLesson, 'cached-map', { refreshMs: '50' });
    expect((await rawGet(fast.port, `${fast.prefix}/gh`)).status).toBe(502);
    upstream.failing = false;
    await until(async () => (await rawGet(fast.port, `${fast.prefix}/gh`)).status === 301, 'a good refresh');
  });

  it('cached-map fetches on its interval, not per request', async () => {
    const fast = await serve(upstreamLesson, 'cached-map', { refreshMs: '600000' });
    for (let i = 0; i < 20; i++) await rawGet(fast.port, `${fast.prefix}/index.html`);
    expect((await fast.metrics()).counters.upstreamFetches).toBe(1);
  });
});

describe('lesson 5: what each variant does per request', () => {
  const photo = SITE_FILES.find((f) => f.path === '/img/photo-02.jpg')!;

  it('readfile-sha1 reads and hashes the whole file even to answer 304', async () => {
    const server = await serve(wholeFiles, 'readfile-sha1');
    const first = await rawGet(server.port, `${server.prefix}${photo.path}`);
    expect(first.body.length).toBe(photo.bytes);
    const again = await rawGet(server.port, `${server.prefix}${photo.path}`, { 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const counters = (await server.metrics()).counters;
    expect(counters.bytesHashed).toBe(2 * photo.bytes);
    expect(counters.filesOpened).toBe(2);
  });

  it('stream-stat-etag hashes nothing of the contents and answers 304 from stat alone', async () => {
    const server = await serve(wholeFiles, 'stream-stat-etag');
    const first = await rawGet(server.port, `${server.prefix}${photo.path}`);
    expect(first.body.length).toBe(photo.bytes);
    expect((await server.metrics()).counters.filesOpened).toBe(1);
    expect((await rawGet(server.port, `${server.prefix}${photo.path}`, { 'if-none-match': String(first.headers.etag) })).status).toBe(304);
    const counters = (await server.metrics()).counters;
    expect(counters.filesOpened).toBe(1); // the 304 came from stat() alone
    expect(counters.bytesHashed).toBeUndefined();
  });

  it('counts every site response in /__lab/metrics: 200, 304, 404 and 400', async () => {
    const server = await serve(wholeFiles, 'express-static');
    const page = await rawGet(server.port, `${server.prefix}/index.html`);
    expect((await rawGet(server.port, `${server.prefix}/index.html`, { 'if-none-match': String(page.headers.etag) })).status).toBe(304);
    expect((await rawGet(server.port, `${server.prefix}/nope.html`)).status).toBe(404);
    expect((await rawGet(server.port, `${server.prefix}/../etc/passwd`)).status).toBe(400);
    expect((await server.metrics()).requests).toEqual({ completed: 4, inFlight: 0 });
  });
});
