// The console's guard, tried from outside with raw HTTP (node:http, so any Host and Origin can
// be sent): every request of the bypass list is refused, and nothing starts running.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, type ConsoleServer } from '../../console/console-server.js';
import { hostAllowed, originAllowed, sessionCookie, tokenMatches } from '../../console/security.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let consoleServer: ConsoleServer;
let cookie = '';

function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string; host?: string | null } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const req = request({
      host: '127.0.0.1', port: consoleServer.port, path, method: options.method ?? 'GET',
      headers: options.host === undefined ? headers : { ...headers, host: options.host ?? '' },
      setHost: options.host === undefined,
    }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const origin = (): string => `http://127.0.0.1:${consoleServer.port}`;
const runBody = JSON.stringify({ lesson: 2, options: { quick: true } });
const json = { 'content-type': 'application/json' };

beforeAll(async () => {
  consoleServer = await startConsole();
  const signIn = await send(`/?token=${consoleServer.token}`);
  expect(signIn.status).toBe(303);
  const setCookie = String(signIn.headers['set-cookie']);
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  cookie = setCookie.split(';')[0]!;
});

afterAll(async () => {
  await consoleServer.close();
});

describe('the console guard', () => {
  it('lets its own page in: the cookie reads, and the origin changes state (a bad parameter is refused as the CLI refuses it)', async () => {
    const lessons = await send('/api/lessons', { headers: { cookie } });
    expect(lessons.status).toBe(200);
    expect(JSON.parse(lessons.body).lessons.length).toBeGreaterThan(5);
    const bad = await send('/api/runs', { method: 'POST', headers: { cookie, origin: origin(), ...json }, body: JSON.stringify({ lesson: 2, params: { dbMs: 0 } }) });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toBe('Expected `dbMs` to be an integer from 1 to 2000, got `0` (lesson 2)');
    expect(lessons.headers['access-control-allow-origin']).toBeUndefined(); // no CORS, ever
  });

  it.each([
    ['Host evil.com', { host: 'evil.com' }, 403],
    ['Host localhost.evil.com', { host: 'localhost.evil.com' }, 403],
    ['Host 127.0.0.1.nip.io', { host: '127.0.0.1.nip.io' }, 403],
    ['Host [::1] on another port', { host: '[::1]:1' }, 403],
    ['an empty Host', { host: '' }, 403],
  ] as const)('refuses %s', async (_name, { host }, status) => {
    const reply = await send('/api/lessons', { headers: { cookie }, host });
    expect(reply.status).toBe(status);
  });

  it.each([
    ['Origin null', (): Record<string, string> => ({ cookie, origin: 'null' }), 403],
    ['a foreign Origin', (): Record<string, string> => ({ cookie, origin: 'http://evil.com' }), 403],
    ['no Origin', (): Record<string, string> => ({ cookie }), 403],
    ['a valid cookie with a foreign Origin', (): Record<string, string> => ({ cookie, origin: `http://localhost.evil.com:${consoleServer.port}` }), 403],
    ['no cookie', (): Record<string, string> => ({ origin: origin() }), 401],
    ['a wrong token as cookie', (): Record<string, string> => ({ cookie: 'hotpath_console=wrong', origin: origin() }), 401],
  ] as const)('refuses a run with %s, and nothing runs', async (_name, headers, status) => {
    const reply = await send('/api/runs', { method: 'POST', headers: { ...headers(), ...json }, body: runBody });
    expect(reply.status).toBe(status);
    expect(consoleServer.runs.current).toBeNull();
  });

  it('refuses a wrong token in the URL, and stop and reset without the origin', async () => {
    expect((await send('/?token=wrong')).status).toBe(401);
    expect((await send('/api/runs/run-1/stop', { method: 'POST', headers: { cookie } })).status).toBe(403);
    expect((await send('/api/lessons/2/exercise/reset', { method: 'POST', headers: { cookie, origin: 'null' } })).status).toBe(403);
    expect((await send('/api/events')).status).toBe(401);
  });

  it('refuses an oversized body with a 400', async () => {
    const reply = await send('/api/runs', { method: 'POST', headers: { cookie, origin: origin(), ...json }, body: JSON.stringify({ lesson: 2, pad: 'x'.repeat(64 * 1024) }) });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).error).toMatch(/too large/);
    expect(consoleServer.runs.current).toBeNull();
  });

  it.each(['/files/results/../../package.json', '/files/results/%2e%2e/%2e%2e/package.json', '/files/flamegraphs/..%2f..%2fpackage.json', '/files/results/.hidden', '/../package.json'])(
    'serves nothing outside the output folders: %s',
    async (path) => {
      const reply = await send(path, { headers: { cookie } });
      expect([400, 403, 404]).toContain(reply.status);
      expect(reply.body).not.toContain('"devDependencies"');
    },
  );
});

describe('starting', () => {
  it('on a port in use: a usage error that says what to do', async () => {
    await expect(startConsole({ port: consoleServer.port })).rejects.toThrow(/port \d+ on 127\.0\.0\.1 is in use: pick another with --port/);
  });
});

describe('the event stream', () => {
  it('resumes where a tab left off: Last-Event-ID gives what it missed, then the live events', async () => {
    const before = consoleServer.events.emit('line', { id: 'test', text: 'one' }).id;
    consoleServer.events.emit('line', { id: 'test', text: 'two' });
    const received = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: consoleServer.port, path: '/api/events', headers: { cookie, 'last-event-id': String(before) } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('three')) {
            req.destroy();
            resolve(text);
          }
        });
        setTimeout(() => consoleServer.events.emit('line', { id: 'test', text: 'three' }), 50);
      });
      req.on('error', reject);
      req.end();
    });
    expect(received).not.toContain('"one"');
    expect(received).toContain(`id: ${before + 1}\nevent: line\ndata: {"id":"test","text":"two"}`);
    expect(received).toContain('"three"');
  });
});

describe('the guard\'s rules', () => {
  it('names only this console: the loopback names, on its port', () => {
    expect(hostAllowed('localhost:8080', 8080)).toBe(true);
    expect(hostAllowed('LOCALHOST:8080', 8080)).toBe(true);
    expect(hostAllowed('[::1]:8080', 8080)).toBe(true);
    expect(hostAllowed('localhost', 8080)).toBe(false);
    expect(hostAllowed(undefined, 8080)).toBe(false);
    expect(originAllowed('http://127.0.0.1:8080', 8080)).toBe(true);
    expect(originAllowed('https://127.0.0.1:8080', 8080)).toBe(false);
    expect(originAllowed('null', 8080)).toBe(false);
    expect(sessionCookie('a=b; hotpath_console=xyz; c=d')).toBe('xyz');
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches(null, 'abc')).toBe(false);
  });
});
