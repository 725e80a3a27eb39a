// createApp({ lesson, variant }): an Express 5 app serving one variant of one lesson, plus the
// lab's own routes. One variant per app keeps each measured process free of the others' state.
import { once } from 'node:events';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { LabContext, Lesson, Params, Variant } from '../core/lesson.js';
import { ParamError, parseParams } from '../core/params.js';
import { rejectBadSiteRequest, sendBadSitePath, SitePathError, siteNotFound } from '../lessons/support/site/site-path.js';
import { LabMetrics } from './lab-metrics.js';
import { WindowProfiler, type ProfileKind } from './window-profiler.js';

export interface CreateAppOptions {
  lesson: Lesson;
  variant: Variant;
  /** Turn off GC and event-loop instrumentation (to measure what it costs). Default on. */
  instrumented?: boolean;
  /** Site lessons: parameters fixed at start (JSON lessons read theirs from each query). */
  params?: Params;
  /** Site lessons: the generated site folder. */
  siteDir?: string;
  /** Lesson 4: the redirect-map upstream's base URL. */
  upstreamUrl?: string | null;
}

export interface LabApp {
  app: express.Express;
  metrics: LabMetrics;
  /** Path of the variant's endpoint, without query (a site variant's mount point). */
  path: string;
  /** Stops the metrics and the variant's background work (timers, refreshes). */
  close(): void;
}

export function variantPath(lesson: Lesson, variant: Variant): string {
  return `/lessons/${lesson.id}/${variant.name}`;
}

/** The route the runner measures as the server's ceiling: Express and nothing else. */
export const TRIVIAL_PATH = '/__lab/noop';

/** `?kinds=cpu,alloc` as a list, or null after answering 400. */
function profileKinds(req: Request, res: Response): ProfileKind[] | null {
  const kinds = String(req.query.kinds ?? '').split(',').filter(Boolean);
  if (kinds.length === 0 || kinds.some((kind) => kind !== 'cpu' && kind !== 'alloc')) {
    res.status(400).json({ error: `kinds must list cpu and/or alloc, got \`${String(req.query.kinds ?? '')}\`` });
    return null;
  }
  return kinds as ProfileKind[];
}

export function createApp(options: CreateAppOptions): LabApp {
  const { lesson, variant } = options;
  const metrics = new LabMetrics({ instrumented: options.instrumented ?? true });
  const lab: LabContext = {
    locks: metrics.locks,
    counters: metrics.counters,
    params: options.params ?? parseParams(lesson.params, {}),
    siteDir: options.siteDir ?? '',
    upstreamUrl: options.upstreamUrl ?? null,
    closed: metrics.closed,
  };
  const path = variantPath(lesson, variant);
  const profiler = new WindowProfiler();
  /** The variant's own function, named in profiles (the diff aligns the variants' handlers by it). */
  let handlerName = '';
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  if (variant.serve) {
    if (!options.siteDir) throw new Error(`lesson ${lesson.id} serves a site: createApp needs siteDir`);
    const serve = variant.serve(lab);
    handlerName = serve.name;
    app.use(path, (req: Request, res: Response, next: NextFunction) => {
      // In flight until the handler is done *and* the response is closed: a handler still
      // waiting on its upstream after the client left is still work (the runner drains on it).
      void metrics.track(async () => {
        const closed = once(res, 'close').catch(() => {}); // an 'error' on res also ends it
        if (!rejectBadSiteRequest(req, res)) {
          try {
            await serve(req, res, next);
          } catch (error) {
            next(error);
          }
        }
        await closed;
      });
    }, siteNotFound);
  } else {
    const handler = variant.create(lab);
    handlerName = handler.name;
    app.get(path, async (req: Request, res: Response) => {
      const params = parseParams(lesson.params, req.query as Record<string, unknown>);
      const answer = await metrics.track(() => handler(params));
      res.json(answer);
    });
  }

  app.get(TRIVIAL_PATH, (_req: Request, res: Response) => {
    res.json({ ok: true });
  });

  app.get('/__lab/metrics', (_req: Request, res: Response) => {
    res.json(metrics.snapshot());
  });

  app.post('/__lab/reset', (_req: Request, res: Response) => {
    metrics.reset();
    res.json({ ok: true });
  });

  // A measured window's edges in one round trip each: behind a busy handler (lesson 3's clone
  // takes 100 ms a request) every call waits its turn, and four calls at a window's start left
  // the counters reading part of a 1.5 s window. A profiler that fails is reported, not fatal:
  // the counters are what the verdict needs.
  app.post('/__lab/window/open', async (req: Request, res: Response) => {
    const kinds = req.query.kinds === undefined || req.query.kinds === '' ? [] : profileKinds(req, res);
    if (!kinds) return;
    let profileError: string | null = null;
    try {
      await profiler.start(kinds);
      if (kinds.length > 0) profiler.mark('open');
    } catch (error) {
      profileError = (error as Error).message;
    }
    metrics.reset();
    res.json({ snapshot: metrics.snapshot(), profileError });
  });

  app.post('/__lab/window/close', async (req: Request, res: Response) => {
    const snapshot = metrics.snapshot(); // first: what stopping a profiler allocates is not the window's
    let profileError: string | null = null;
    let heap = null;
    try {
      if (profiler.running.includes('cpu')) profiler.mark('close');
      if (req.query.stop === 'alloc') heap = (await profiler.stop(['alloc'])).heap;
    } catch (error) {
      profileError = (error as Error).message;
    }
    res.json({ snapshot, handler: handlerName, heap, profileError });
  });

  // The runner's in-process profiles beyond a window's edges: start ?kinds=cpu,alloc (those not
  // running; the CPU profile before the warm-up), stop ?kinds=… (their profiles and the handler's name).
  app.post('/__lab/profile/start', async (req: Request, res: Response) => {
    const kinds = profileKinds(req, res);
    if (!kinds) return;
    await profiler.start(kinds);
    res.json({ ok: true, kinds });
  });

  app.post('/__lab/profile/stop', async (req: Request, res: Response) => {
    const kinds = profileKinds(req, res);
    if (!kinds) return;
    res.json({ handler: handlerName, ...(await profiler.stop(kinds)) });
  });

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: `No route ${req.method} ${req.path}; this server serves ${path}` });
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      res.destroy(); // failed mid-body (e.g. the client went away while a file streamed)
      return;
    }
    // A file handler may have set the file's headers before failing (e.g. EMFILE on open).
    for (const header of ['Content-Type', 'ETag', 'Cache-Control', 'Content-Length']) res.removeHeader(header);
    if (error instanceof ParamError) {
      res.status(400).json({ error: error.message, param: error.param, allowed: error.allowed });
      return;
    }
    if (error instanceof SitePathError) {
      sendBadSitePath(req, res, error);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    res.status(500).json({ error: message });
  });

  return {
    app,
    metrics,
    path,
    close: () => {
      metrics.close();
      profiler.close();
    },
  };
}
