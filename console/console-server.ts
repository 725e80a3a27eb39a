// The lab console's HTTP server: the guard in front (host, session, origin: security.ts), the JSON
// API under /api/, the event stream, the run's files (records and graphs, nothing else) and the
// app's own pages. Bound to 127.0.0.1 only.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { HotpathError } from '../core/errors.js';
import { projectRoot } from '../core/paths.js';
import { findAnyLesson } from '../lessons/catalog.js';
import { EventLog } from './event-log.js';
import { SERVED_FOLDERS } from './file-urls.js';
import { lessonDetail, lessonSummaries, runHistory } from './lesson-info.js';
import { RunBusy, RunManager, tutorLines } from './run-manager.js';
import { hostAllowed, newToken, originAllowed, sessionCookie, sessionSetCookie, tokenMatches } from './security.js';

/** JSON bodies: a run request is a few hundred bytes. */
export const BODY_LIMIT = '16kb';

export interface ConsoleServer {
  port: number;
  token: string;
  /** The URL to open: it carries the token, which sets the session cookie. */
  url: string;
  events: EventLog;
  runs: RunManager;
  close(): Promise<void>;
}

export async function startConsole(options: { port?: number; token?: string } = {}): Promise<ConsoleServer> {
  const token = options.token ?? newToken();
  const events = new EventLog();
  const runs = new RunManager(events);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  let port = 0;

  // 1. The Host must name this console (DNS rebinding sends another name).
  app.use((req, res, next) => {
    if (!hostAllowed(req.headers.host, port)) {
      res.status(403).json({ error: `Invalid Host header: the console answers to localhost, 127.0.0.1 or [::1] on port ${port}` });
      return;
    }
    next();
  });
  // 2. The printed URL's token sets the session cookie, then the address bar drops it.
  app.use((req, res, next) => {
    const given = req.query.token;
    if (given === undefined) return next();
    if (req.method !== 'GET' || !tokenMatches(typeof given === 'string' ? given : null, token)) {
      res.status(401).json({ error: 'wrong token: open the URL the console printed (HOTPATH_CONSOLE …)' });
      return;
    }
    res.setHeader('set-cookie', sessionSetCookie(token));
    res.redirect(303, req.path);
  });
  // 3. Everything else needs the session.
  app.use((req, res, next) => {
    if (!tokenMatches(sessionCookie(req.headers.cookie), token)) {
      res.status(401).json({ error: 'no session: open the URL the console printed (HOTPATH_CONSOLE …)' });
      return;
    }
    next();
  });
  // 4. What changes state must come from this console's own pages.
  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && !originAllowed(req.headers.origin, port)) {
      res.status(403).json({ error: 'refused: a request that changes something must come from the console\'s own page (Origin)' });
      return;
    }
    next();
  });
  app.use(express.json({ limit: BODY_LIMIT }));

  app.get('/api/lessons', async (_req, res) => {
    res.json({ lessons: await lessonSummaries() });
  });
  app.get('/api/lessons/:id', async (req, res) => {
    const lesson = findAnyLesson(Number(req.params.id));
    if (!lesson) {
      res.status(404).json({ error: `no lesson ${req.params.id}` });
      return;
    }
    res.json(await lessonDetail(lesson));
  });
  app.get('/api/lessons/:id/runs', async (req, res) => {
    res.json({ runs: await runHistory(Number(req.params.id)) });
  });
  app.get('/api/status', (_req, res) => {
    res.json({ current: runs.current });
  });
  app.post('/api/runs', (req, res) => {
    const run = runs.start(req.body);
    res.status(202).json(run);
  });
  app.post('/api/lessons/:id/exercise/check', (req, res) => {
    res.status(202).json(runs.startExercise(Number(req.params.id), req.body));
  });
  app.post('/api/lessons/:id/exercise/:action', async (req, res) => {
    const action = req.params.action;
    if (action !== 'hint' && action !== 'solution' && action !== 'reset') {
      res.status(404).json({ error: `no exercise action ${action} (check, hint, solution, reset)` });
      return;
    }
    // A reset while a check compiles the same file would pull it from under the check.
    if (action === 'reset' && runs.current) {
      res.status(409).json({ error: `a run is going (${runs.current.id}): reset the exercise when it has finished` });
      return;
    }
    res.json({ lines: await tutorLines(Number(req.params.id), action) });
  });
  app.post('/api/runs/:id/stop', async (req, res) => {
    if (!(await runs.stop(req.params.id))) {
      res.status(404).json({ error: `no run ${req.params.id} is going` });
      return;
    }
    res.json({ stopped: req.params.id });
  });
  app.get('/api/events', (req, res) => {
    const last = Number(req.headers['last-event-id'] ?? 0);
    events.attach(res, Number.isFinite(last) ? last : 0);
  });

  // The run's outputs, and only those: records and graphs under HOTPATH_HOME. express.static
  // refuses `..` and dotfiles, and never lists a folder.
  for (const [name, folder] of Object.entries(SERVED_FOLDERS)) {
    app.use(`/files/${name}`, express.static(folder(), { dotfiles: 'deny', index: false, fallthrough: false }));
  }
  // The app itself, and the chart library from node_modules (no CDN: it works offline).
  const uplot = path.join(projectRoot, 'node_modules', 'uplot', 'dist');
  if (existsSync(uplot)) app.use('/vendor/uplot', express.static(uplot, { index: false, fallthrough: false }));
  app.use(express.static(path.join(projectRoot, 'console', 'app'), { index: 'index.html', dotfiles: 'deny' }));

  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end(); // no icon: and no error in the browser's console either
  });
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Errors as JSON: a bad request says what the CLI would; a busy console says so.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof RunBusy) {
      res.status(409).json({ error: error.message });
      return;
    }
    if (error instanceof HotpathError && (error.code === 'E_USAGE' || error.code === 'E_TOOL_MISSING')) {
      res.status(400).json({ error: error.message });
      return;
    }
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      res.status(400).json({ error: `request body too large (at most ${BODY_LIMIT})` });
      return;
    }
    if (status !== undefined && status >= 400 && status < 500) {
      res.status(status).json({ error: (error as Error).message });
      return;
    }
    res.status(500).json({ error: `internal error: ${(error as Error).message}` });
  });

  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE'
        ? new HotpathError('E_USAGE', `port ${options.port} on 127.0.0.1 is in use: pick another with --port, or --port 0 for any free one`)
        : error);
    });
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    events,
    runs,
    async close() {
      await runs.stopAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
