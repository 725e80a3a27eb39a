// createApp({ lesson, variant }): an Express 5 app serving one variant of one lesson, plus the
// lab's own routes. One variant per app keeps each measured process free of the others' state.
import express, { type NextFunction, type Request, type Response } from 'express';
import { LabMetrics } from './lab-metrics.js';
import type { Lesson, Variant } from './lesson-types.js';
import { ParamError, parseParams } from './params.js';

export interface CreateAppOptions {
  lesson: Lesson;
  variant: Variant;
  /** Turn off GC and event-loop instrumentation (to measure what it costs). Default on. */
  instrumented?: boolean;
}

export interface LabApp {
  app: express.Express;
  metrics: LabMetrics;
  /** Path of the variant's endpoint, without query. */
  path: string;
}

export function variantPath(lesson: Lesson, variant: Variant): string {
  return `/lessons/${lesson.id}/${variant.name}`;
}

/** The route the runner measures as the server's ceiling: Express and nothing else. */
export const TRIVIAL_PATH = '/__lab/noop';

export function createApp(options: CreateAppOptions): LabApp {
  const { lesson, variant } = options;
  const metrics = new LabMetrics({ instrumented: options.instrumented ?? true });
  const handler = variant.create({ locks: metrics.locks });
  const path = variantPath(lesson, variant);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get(path, async (req: Request, res: Response) => {
    const params = parseParams(lesson.params, req.query as Record<string, unknown>);
    const answer = await metrics.track(() => handler(params));
    res.json(answer);
  });

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

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: `No route ${req.method} ${req.path}; this server serves ${path}` });
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ParamError) {
      res.status(400).json({ error: error.message, param: error.param, allowed: error.allowed });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    res.status(500).json({ error: message });
  });

  return { app, metrics, path };
}
