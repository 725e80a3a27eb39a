// runLesson(): one run of a lesson, as DESIGN.md "One run of a lesson" describes. The CLI, the
// tests and (later) the web console call it; only the CLI turns its outcome into an exit code.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createDriver, thinkTimeMs } from '../loadtests/drivers.js';
import type { LoadDriver } from '../loadtests/load-driver.js';
import { TRIVIAL_PATH, variantPath } from '../server/app.js';
import type { Lesson, PlannedPoint } from '../server/lesson-types.js';
import { toQueryString } from '../server/params.js';
import { buildRecord } from './build-record.js';
import { fetchAnswers, findMismatch } from './equivalence.js';
import { describeSite, ensureSite } from '../server/site/generate-site.js';
import { fetchSiteAnswers, findBrokenAnswer, findSiteMismatch } from './site-equivalence.js';
import { HotpathError } from './errors.js';
import { publishFlamegraphs, writeComparePage, writeGalleryIndex } from './gallery.js';
import { measurePoint, type PointResult, type RunIo } from './measure-point.js';
import type { RunOptions } from './options.js';
import { newRunId, relativeToRoot, resultsDir, siteDir, upstreamMain } from './paths.js';
import { printHeader, printResults } from './report.js';
import { writeRunRecord, type RunRecord, type VariantRecord } from './run-record.js';
import { startServer, stopAllServers, type ProfilerName, type ServerHandle } from './server-process.js';
import { markRunFolder, sweepLeftovers, unmarkRunFolder } from './sweep.js';
import type { Terminal } from './terminal.js';

export type { RunIo } from './measure-point.js';

const MIN_TIMEOUT_SEC = 10;
/** The ceiling is only a bound for the theory: half the measured time (at least 2 s) is enough. */
const ceilingDuration = (duration: number): number => Math.min(duration, Math.max(2, duration / 2));

export interface RunOutcome {
  record: RunRecord;
  recordFile: string;
}

export async function runLesson(lesson: Lesson, options: RunOptions, io: RunIo): Promise<RunOutcome> {
  const { terminal: t } = io;
  const driver: LoadDriver = createDriver(lesson, options);
  await driver.check?.(); // a missing tool stops the run before anything is written
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  const runDir = path.join(resultsDir(lesson.id), runId);
  await sweepLeftovers();
  await mkdir(runDir, { recursive: true });
  await markRunFolder(runDir);
  const recordFile = path.join(runDir, 'result.json');

  const theory = lesson.theory({ params: options.params, connections: options.connections, thinkTimeMs: thinkTimeMs(options) });
  printHeader(t, lesson, options, theory.headline);
  const timeoutSec = Math.max(MIN_TIMEOUT_SEC, Math.ceil((2 * theory.worstLatencyMs) / 1000));

  const site = lesson.site ? await prepareSite(lesson, options, runDir, io) : null;
  const upstream: ServerHandle | null = site?.upstream ?? null;
  try {
    if (site) await checkSiteAnswers(lesson, options, site, io);
    else await checkAnswers(lesson, options, t);
  } catch (error) {
    await upstream?.stop();
    throw error;
  }

  const plan: PlannedPoint[] = lesson.plan?.(options.connections) ??
    lesson.variants.map((variant) => ({ label: variant.name, variant: variant.name, connections: options.connections }));
  const profiler: ProfilerName | null = lesson.profile && options.flamegraph ? '0x' : null;
  const query = toQueryString(options.params);
  const order: string[] = [];
  const points: PointResult[] = [];
  const notes: string[] = [];
  let ceiling: VariantRecord | null = null;

  const measure = async (point: PlannedPoint, pathWithQuery: string, pointProfiler: ProfilerName | null): Promise<PointResult> => {
    order.push(point.label);
    const isCeiling = point.label === 'ceiling';
    return measurePoint({
      lessonId: lesson.id,
      warmup: options.warmup,
      duration: isCeiling ? ceilingDuration(options.duration) : options.duration,
      clinic: isCeiling ? null : options.clinic,
      verbose: options.verbose,
      io,
      driver,
      runDir,
      timeoutSec,
      point,
      pathWithQuery,
      serverArgs: site?.serverArgs,
      mix: site && !isCeiling ? { paths: site.mix.map((p) => `${pathWithQuery}${p}`), revalidate: point.revalidate === true } : null,
      profiler: pointProfiler,
      warmupConnections: lesson.load.warmupConnections?.(point.connections) ?? point.connections,
    });
  };

  try {
    if (lesson.measureCeiling) {
      const baseline = lesson.variants[0]!.name;
      ceiling = (await measure({ label: 'ceiling', variant: baseline, connections: options.connections }, TRIVIAL_PATH, null)).record;
    }
    for (const point of plan) {
      const mount = variantPath(lesson, lesson.variants.find((v) => v.name === point.variant)!);
      // A site variant is mounted at a path and answers for the site below it: no query there.
      const pathWithQuery = site ? mount : `${mount}${query}`;
      let result = await measure(point, pathWithQuery, profiler).catch(async (error: unknown) => {
        if (profiler !== '0x' || !(error instanceof HotpathError) || error.code !== 'E_SERVER') throw error;
        notes.push(`0x could not start ${point.label} (${error.message}); fell back to node --cpu-prof`);
        return measure(point, pathWithQuery, 'cpu-prof');
      });
      if (profiler === '0x' && result.record.profiler === '0x' && !result.graphHtml) {
        notes.push(`0x wrote no flame graph for ${point.label}; measured it again under node --cpu-prof for its top frames`);
        result = await measure(point, pathWithQuery, 'cpu-prof');
      }
      points.push(result);
    }
  } catch (error) {
    await stopAllServers(); // the upstream too
    // Record what was measured, so the run folder (and its logs) survives the next sweep.
    const aborted = io.signal?.aborted === true;
    const why = aborted ? 'interrupted before the run finished' : `failed: ${(error as Error).message}`;
    const record = buildRecord({ lesson, options, runId, startedAt, order, points, ceiling, notes: [...notes, why], status: aborted ? 'aborted' : 'failed' });
    await writeRunRecord(recordFile, record);
    await unmarkRunFolder(runDir);
    if (aborted) throw new HotpathError('E_INTERRUPTED', `interrupted; partial record in ${relativeToRoot(recordFile)}`);
    throw error;
  }

  await upstream?.stop();
  const record = buildRecord({ lesson, options, runId, startedAt, order, points, ceiling, notes, status: 'complete' });
  const graphs = points.filter((p) => p.graphHtml).map((p) => ({ label: p.record.name, html: p.graphHtml as string }));
  if (graphs.length > 0) {
    const published = await publishFlamegraphs(lesson.id, runId, graphs);
    for (const graph of published) {
      const variant = record.variants.find((v) => v.name === graph.label);
      if (variant) variant.flamegraph = relativeToRoot(graph.file);
    }
    record.compareFlamegraphs = relativeToRoot(await writeComparePage(record, published));
  }
  await writeRunRecord(recordFile, record);
  await unmarkRunFolder(runDir);
  const gallery = await writeGalleryIndex();
  printResults(t, lesson, record, recordFile, graphs.length > 0 ? gallery : null);
  return { record, recordFile };
}

async function checkAnswers(lesson: Lesson, options: RunOptions, t: Terminal): Promise<void> {
  if (!lesson.equivalentAnswers) {
    t.line(t.paint('dim', '· calibration lesson: its variants are different endpoints, so no answers to compare'));
    return;
  }
  const answers = await fetchAnswers(lesson, options.params);
  const mismatch = findMismatch(answers);
  if (mismatch) {
    const { baseline, other } = mismatch;
    throw new HotpathError('E_MISMATCH', `variants disagree: ${baseline.variant} answered ${baseline.status} ${baseline.body}, ${other.variant} answered ${other.status} ${other.body}`);
  }
  const first = answers[0]!;
  if (first.status !== 200) throw new HotpathError('E_SERVER', `${first.variant} answered ${first.status} ${first.body}`);
  t.line(`${t.paint('green', '✓')} all ${answers.length} variants answer ${first.body}`);
}


interface PreparedSite {
  /** The site paths of the mix, e.g. `/img/photo-01.jpg`. */
  mix: string[];
  dir: string;
  upstream: ServerHandle | null;
  /** Flags every lesson server of this run gets. */
  serverArgs: string[];
}

/** Site lessons: generate the site if needed and start the upstream (lesson 4) for the whole run. */
async function prepareSite(lesson: Lesson, options: RunOptions, runDir: string, io: RunIo): Promise<PreparedSite> {
  const spec = lesson.site!;
  const dir = siteDir();
  const manifest = await ensureSite(dir);
  const mix = spec.mix(options.params);
  io.terminal.line(io.terminal.paint('dim', `· site: ${describeSite(manifest)} in ${relativeToRoot(dir)}; the load cycles through ${mix.length} paths`));
  const params = Object.entries(options.params).flatMap(([name, value]) => ['--param', `${name}=${value}`]);
  let upstream: ServerHandle | null = null;
  const serverArgs = ['--site-dir', dir, ...params];
  if (spec.upstream) {
    const latencyMs = options.params[spec.upstream.latencyParam]!;
    upstream = await startServer({
      args: [upstreamMain, '--latency-ms', String(latencyMs), '--port', '0'],
      label: 'upstream',
      runDir,
      profiler: null,
      clinic: null,
      verbose: options.verbose,
    });
    io.diagnostics(`server upstream pid=${upstream.pid} port=${upstream.port}`);
    io.terminal.line(io.terminal.paint('dim', `· upstream: the redirect map at http://127.0.0.1:${upstream.port}/redirects.json, ${latencyMs} ms per answer`));
    serverArgs.push('--upstream', `http://127.0.0.1:${upstream.port}`);
  }
  return { mix, dir, upstream, serverArgs };
}

async function checkSiteAnswers(lesson: Lesson, options: RunOptions, site: PreparedSite, io: RunIo): Promise<void> {
  const t = io.terminal;
  const upstreamUrl = site.upstream ? `http://127.0.0.1:${site.upstream.port}` : null;
  const all = await fetchSiteAnswers(lesson, { params: options.params, siteDir: site.dir, upstreamUrl, signal: io.signal });
  const mismatch = findSiteMismatch(all);
  if (mismatch) {
    throw new HotpathError('E_MISMATCH', `variants disagree on ${mismatch.probe}: ${mismatch.baseline}; ${mismatch.variant}: ${mismatch.other}`);
  }
  const answers = all[0]!.answers;
  // Agreeing is not enough: all of them could be wrong the same way.
  const broken = findBrokenAnswer(answers, site.mix);
  if (broken) throw new HotpathError('E_SERVER', `every variant got this wrong: ${broken}`);
  t.line(`${t.paint('green', '✓')} all ${all.length} variants answer the same ${answers.length} probes: files, short links, 304s, 400s and 404s`);
}
