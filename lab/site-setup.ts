// What a site lesson needs before its servers start: the generated site, and (lesson 4) the
// redirect-map upstream, running for the whole run or the whole serve.
import type { Lesson } from '../core/lesson.js';
import type { Params } from '../core/params.js';
import { relativeToRoot, siteDir, upstreamMain } from '../core/paths.js';
import { describeSite, ensureSite } from '../lessons/support/site/generate-site.js';
import type { RunIo } from './measure-point.js';
import { startServer, type ServerHandle } from './server-process.js';

export interface PreparedSite {
  /** The site paths of the mix, e.g. `/img/photo-01.jpg`. */
  mix: string[];
  dir: string;
  upstream: ServerHandle | null;
  /** Its base URL, when there is an upstream. */
  upstreamUrl: string | null;
  /** Flags every lesson server of this run gets. */
  serverArgs: string[];
}

export interface PrepareSiteOptions {
  params: Params;
  /** The run folder for the upstream's log; null in serve mode (no load; its output goes to stderr). */
  runDir: string | null;
  verbose: boolean;
}

/** Generates the site if needed and starts the upstream (lesson 4). */
export async function prepareSite(lesson: Lesson, options: PrepareSiteOptions, io: RunIo): Promise<PreparedSite> {
  const spec = lesson.site!;
  const t = io.terminal;
  const dir = siteDir();
  const manifest = await ensureSite(dir);
  const mix = spec.mix(options.params);
  const load = options.runDir === null ? '' : `; the load cycles through ${mix.length} paths`;
  t.line(t.paint('dim', `· site: ${describeSite(manifest)} in ${relativeToRoot(dir)}${load}`));
  const params = Object.entries(options.params).flatMap(([name, value]) => ['--param', `${name}=${value}`]);
  const serverArgs = ['--site-dir', dir, ...params];
  if (!spec.upstream) return { mix, dir, upstream: null, upstreamUrl: null, serverArgs };
  const latencyMs = options.params[spec.upstream.latencyParam]!;
  const upstream = await startServer({
    args: [upstreamMain, '--latency-ms', String(latencyMs), '--port', '0'],
    label: 'upstream',
    runDir: options.runDir,
    profiler: null,
    clinic: null,
    verbose: options.verbose,
  });
  io.diagnostics(`server upstream pid=${upstream.pid} port=${upstream.port}`);
  const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
  t.line(t.paint('dim', `· upstream: the redirect map at ${upstreamUrl}/redirects.json, ${latencyMs} ms per answer`));
  return { mix, dir, upstream, upstreamUrl, serverArgs: [...serverArgs, '--upstream', upstreamUrl] };
}
