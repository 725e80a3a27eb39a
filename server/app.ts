// createApp({ lesson, variant }): an Express 5 app serving one variant of one lesson, plus the
// lab's own routes. One variant per app keeps each measured process free of the others' state.
import { once } from 'node:events';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { DbSpec, LabContext, Lesson, Params, Variant } from '../core/lesson.js';
import { ParamError, parseParams } from '../core/params.js';
import { rejectBadSiteRequest, sendBadSitePath, SitePathError, siteNotFound } from '../lessons/support/site/site-path.js';
import { LabMetrics } from './lab-metrics.js';
import { LabRequestError, localLabControl, type LabControl } from './lab-control.js';
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
  /** Lesson 8: its database. */
  db?: DbSpec | null;
  /**
   * How /__lab answers, given this process's own answers: a cluster worker answers for the whole
   * cluster (server/cluster.ts). Default: this process's own.
   */
  labControl?: (local: LabControl) => LabControl;
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
    db: options.db ?? null,
  };
  const path = variantPath(lesson, variant);
  const profiler = new WindowProfiler();
  /** The variant's own function, named in profiles (the diff aligns the variants' handlers by it). */
  let handlerName = '';
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  /**
   * A variant that writes its own response, counted in flight until its handler is done *and* the
   * response is closed: a handler still waiting on its upstream after the client left is still
   * work (the runner drains on it). `refuse`: answers a request it should not reach (and says so).
   */
  const tracked = (serve: RequestHandler, refuse?: (req: Request, res: Response) => boolean): RequestHandler => (req, res, next) => {
    void metrics.track(async () => {
      const closed = once(res, 'close').catch(() => {}); // an 'error' on res also ends it
      if (!refuse?.(req, res)) {
        try {
          await serve(req, res, next);
        } catch (error) {
          next(error);
        }
      }
      await closed;
    });
  };

  if (variant.serve && !lesson.site) {
    // A page (lesson 8): the variant writes the whole response, headers and all.
    const serve = variant.serve(lab);
    handlerName = serve.name;
    app.get(path, tracked(serve));
  } else if (variant.serve) {
    if (!options.siteDir) throw new Error(`lesson ${lesson.id} serves a site: createApp needs siteDir`);
    const serve = variant.serve(lab);
    handlerName = serve.name;
    app.use(path, tracked(serve, rejectBadSiteRequest), siteNotFound);
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

  const local = localLabControl(metrics, profiler, () => handlerName);
  const control = options.labControl ? options.labControl(local) : local;
  /** Runs a lab operation and answers its result as JSON; a refusal is a 400. */
  const answer = (res: Response, work: () => Promise<unknown>): Promise<void> =>
    work().then(
      (result) => void res.json(result),
      (error: unknown) => void res.status(error instanceof LabRequestError ? 400 : 500).json({ error: (error as Error).message }),
    );

  app.get('/__lab/metrics', (_req: Request, res: Response) => answer(res, () => control.metrics()));

  app.post('/__lab/reset', (_req: Request, res: Response) => answer(res, async () => {
    await control.reset();
    return { ok: true };
  }));

  // A measured window's edges in one round trip each: behind a busy handler (lesson 3's clone
  // takes 100 ms a request) every call waits its turn, and four calls at a window's start left
  // the counters reading part of a 1.5 s window. A profiler that fails is reported, not fatal:
  // the counters are what the verdict needs.
  app.post('/__lab/window/open', (req: Request, res: Response) => {
    const kinds = req.query.kinds === undefined || req.query.kinds === '' ? [] : profileKinds(req, res);
    if (!kinds) return;
    return answer(res, () => control.openWindow(kinds));
  });

  app.post('/__lab/window/close', (req: Request, res: Response) => answer(res, () => control.closeWindow(req.query.stop === 'alloc')));

  // The runner's in-process profiles beyond a window's edges: start ?kinds=cpu,alloc (those not
  // running; the CPU profile before the warm-up), stop ?kinds=… (their profiles and the handler's name).
  app.post('/__lab/profile/start', (req: Request, res: Response) => {
    const kinds = profileKinds(req, res);
    if (!kinds) return;
    return answer(res, async () => {
      await control.startProfiles(kinds);
      return { ok: true, kinds };
    });
  });

  app.post('/__lab/profile/stop', (req: Request, res: Response) => {
    const kinds = profileKinds(req, res);
    if (!kinds) return;
    return answer(res, () => control.stopProfiles(kinds));
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
