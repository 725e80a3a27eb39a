// Measures one point: a fresh server (profiled or not), warm-up, drain, measured load with a
// progress bar, metrics before and after, stop, and the top frames of its profile.
import path from 'node:path';
import { TIMING } from '../core/defaults.js';
import { HotpathError, throwIfAborted } from '../core/errors.js';
import { formatRate } from '../core/format.js';
import type { PlannedPoint } from '../core/lesson.js';
import { relativeToRoot, safeFileName } from '../core/paths.js';
import type { ClinicTool } from '../core/run-options.js';
import { round } from '../core/theory.js';
import type { LoadDriver, LoadOptions, LoadRequest, LoadResult } from '../loadtests/load-driver.js';
import type { LabMetricsSnapshot } from '../server/lab-metrics.js';
import { cpuprofileToTopFrames } from './cpuprofile-to-top-frames.js';
import { flamegraphHtmlToTopFrames } from './flamegraph-html-to-top-frames.js';
import { fetchMetrics, perRequestCosts, resetMetrics, waitForDrain } from './lab-client.js';
import type { VariantRecord } from './run-record.js';
import { lessonServerArgs, startServer, type ProfilerName, type StopOutcome } from './server-process.js';
import type { Terminal } from './terminal.js';
import type { TopFrame } from './top-frames.js';

export interface RunIo {
  /** Where human output goes (stdout, or stderr with --json). */
  terminal: Terminal;
  /** Diagnostic lines (server pids); always stderr. */
  diagnostics: (line: string) => void;
  /** Aborted by Ctrl+C. */
  signal?: AbortSignal;
}

export interface PointResult {
  record: VariantRecord;
  /** The raw graph to publish, if any. */
  graphHtml: string | null;
}

export interface MeasurePointInput {
  lessonId: number;
  /** Warm-up seconds (0: none). */
  warmup: number;
  clinic: ClinicTool | null;
  verbose: boolean;
  /** Extra environment for the server, e.g. HOTPATH_METRICS=off. */
  serverEnv?: Readonly<Record<string, string>>;
  /** More server flags (site lessons: `--site-dir`, `--upstream`, `--param`). */
  serverArgs?: readonly string[];
  /**
   * Site lessons: the paths (with the variant's mount point) to cycle through instead of
   * `pathWithQuery`; with `revalidate`, each carries If-None-Match with the ETag it answered.
   */
  mix?: { paths: readonly string[]; revalidate: boolean } | null;
  io: RunIo;
  driver: LoadDriver;
  runDir: string;
  timeoutSec: number;
  point: PlannedPoint;
  pathWithQuery: string;
  profiler: ProfilerName | null;
  /** Measured seconds for this point. */
  duration: number;
  warmupConnections: number;
}

export async function measurePoint(input: MeasurePointInput): Promise<PointResult> {
  const { io, driver, point, profiler } = input;
  throwIfAborted(io.signal);
  const server = await startServer({
    args: lessonServerArgs(input.lessonId, point.variant, input.serverArgs),
    label: point.label,
    runDir: input.runDir,
    profiler,
    clinic: input.clinic,
    verbose: input.verbose,
    env: input.serverEnv,
  });
  io.diagnostics(`server ${point.label} pid=${server.pid} port=${server.port}`);
  const origin = `http://127.0.0.1:${server.port}`;
  const logFile = path.join(input.runDir, `load-${safeFileName(point.label)}.log`);
  const mix = input.mix ?? null;
  let load: LoadResult;
  let before: LabMetricsSnapshot;
  let after: LabMetricsSnapshot;
  let drained = true;
  let outcome: StopOutcome;
  try {
    const shared = { timeoutSec: input.timeoutSec, logFile, workDir: input.runDir, verbose: input.verbose };
    const target: Pick<LoadOptions, 'url' | 'requests' | 'acceptRedirects'> = mix
      ? { url: origin, requests: await mixRequests(origin, mix, io.signal), acceptRedirects: true }
      : { url: `${origin}${input.pathWithQuery}` };
    if (input.warmup > 0) {
      await runWithProgress(io, driver, point.label, 'warm-up', { ...target, ...shared, connections: input.warmupConnections, durationSec: input.warmup });
      drained = await waitForDrain(server.port, 2 * input.timeoutSec * 1000, io.signal);
    }
    throwIfAborted(io.signal);
    await resetMetrics(server.port);
    before = await fetchMetrics(server.port);
    load = await runWithProgress(io, driver, point.label, 'measure', { ...target, ...shared, connections: point.connections, durationSec: input.duration });
    // Site lessons count work per request (upstream fetches, files opened) when a request starts:
    // let the last requests finish too, so each one's work and its completion are both counted.
    // (Short: at most an upstream round trip. Lesson 2's queue would take seconds, so not there.)
    if (mix) await waitForDrain(server.port, 2 * input.timeoutSec * 1000, io.signal);
    after = await fetchMetrics(server.port);
    throwIfAborted(io.signal);
  } finally {
    if ((profiler === '0x' || input.clinic) && !io.signal?.aborted) {
      io.terminal.line(io.terminal.paint('dim', `  ${point.label}: ${profiler === '0x' ? '0x is writing the flame graph' : `clinic ${input.clinic} is writing its report`} (a few seconds)…`));
    }
    // Interrupted, nothing will be published: no need to wait for a profiler to finish.
    outcome = await server.stop(io.signal?.aborted ? TIMING.abortGraceMs : undefined);
  }
  const costs = perRequestCosts(before, after);
  let topFrames: TopFrame[] = [];
  if (outcome.flamegraphHtml) topFrames = await flamegraphHtmlToTopFrames(outcome.flamegraphHtml).catch(() => []);
  else if (outcome.cpuProfile) topFrames = await cpuprofileToTopFrames(outcome.cpuProfile);
  const reports: Record<string, string> = {};
  if (outcome.clinicReport && input.clinic) reports[`clinic-${input.clinic}`] = relativeToRoot(outcome.clinicReport);
  return {
    graphHtml: outcome.flamegraphHtml,
    record: {
      name: point.label,
      variant: point.variant,
      path: input.pathWithQuery,
      mix: mix ? { paths: mix.paths.length, ifNoneMatch: mix.revalidate } : null,
      connections: point.connections,
      rps: round(load.rps, 2),
      requests: load.requests,
      errors: load.errors,
      timeouts: load.timeouts,
      non2xx: load.non2xx,
      bytesPerSec: Math.round(load.bytesPerSec),
      latencyMs: load.latencyMs,
      cpuMsPerRequest: roundOrNull(costs.cpuMsPerRequest, 4),
      gcMsPerRequest: roundOrNull(costs.gcMsPerRequest, 4),
      allocBytesPerRequest: roundOrNull(costs.allocBytesPerRequest, 0),
      lockWait: after.lock ? { acquisitions: after.lock.acquisitions, p99Ms: round(after.lock.p99Ms, 2), maxQueue: after.lock.maxQueue } : null,
      workPerRequest: Object.fromEntries(Object.entries(costs.workPerRequest).map(([name, value]) => [name, round(value, 4)])),
      memory: after.memoryPeak
        ? { heapUsedMb: toMb(after.memoryPeak.heapUsedBytes), rssMb: toMb(after.memoryPeak.rssBytes), arrayBuffersMb: toMb(after.memoryPeak.arrayBuffersBytes) }
        : null,
      generatorCpuPct: round(load.generatorCpuPct, 1),
      generatorWarnings: load.generatorWarnings,
      profiler: outcome.cpuProfile ? 'cpu-prof' : outcome.flamegraphHtml ? '0x' : profiler,
      flamegraph: null,
      topFrames,
      reports,
      drained,
    },
  };
}

/**
 * The requests of a site mix. Revalidating, it first GETs each path once, as a browser filling
 * its cache would, and sends back the ETag it got (paths without one, redirects, go as they are).
 */
async function mixRequests(origin: string, mix: { paths: readonly string[]; revalidate: boolean }, signal?: AbortSignal): Promise<LoadRequest[]> {
  if (!mix.revalidate) return mix.paths.map((p) => ({ path: p }));
  const requests: LoadRequest[] = [];
  for (const p of mix.paths) {
    throwIfAborted(signal);
    let etag: string | null;
    try {
      const response = await fetch(`${origin}${p}`, { redirect: 'manual', signal: AbortSignal.timeout(TIMING.labRequestTimeoutMs) });
      await response.arrayBuffer();
      etag = response.headers.get('etag');
    } catch (error) {
      throw new HotpathError('E_SERVER', `could not fetch ${p} to learn its ETag: ${(error as Error).message}`);
    }
    requests.push(etag ? { path: p, headers: { 'if-none-match': etag } } : { path: p });
  }
  return requests;
}

function toMb(bytes: number): number {
  return round(bytes / 1024 / 1024, 1);
}

async function runWithProgress(
  io: RunIo,
  driver: LoadDriver,
  label: string,
  phase: 'warm-up' | 'measure',
  load: LoadOptions & { durationSec: number },
): Promise<LoadResult> {
  const bar = io.terminal.progress(label, load.durationSec, phase);
  const result = await driver.run({ ...load, signal: io.signal, onProgress: (p) => bar.update(p.elapsedSec, p.currentRps) });
  const summary = `${phase} ${load.durationSec} s · ${load.connections} conns · ${formatRate(result.rps)} req/s`;
  bar.done(phase === 'warm-up' ? io.terminal.paint('dim', summary) : summary);
  return result;
}

function roundOrNull(value: number | null, decimals: number): number | null {
  return value === null ? null : round(value, decimals);
}
