// Measures one point in rounds: its server starts once (profiled or not) and is warmed once, then
// each round drains it, opens its load, drops the ramp, and reads the server's counters at both
// ends of the measured window; closing it stops the server and reads its profile.
import path from 'node:path';
import os from 'node:os';
import { TIMING } from '../core/defaults.js';
import { HotpathError, throwIfAborted } from '../core/errors.js';
import { formatRate } from '../core/format.js';
import type { PlannedPoint } from '../core/lesson.js';
import { relativeToRoot, safeFileName } from '../core/paths.js';
import { machineCpuTicks } from '../core/proc-stat.js';
import type { ClinicTool } from '../core/run-options.js';
import { round } from '../core/theory.js';
import type { LoadDriver, LoadOptions, LoadRequest, LoadResult } from '../loadtests/load-driver.js';
import type { LabMetricsSnapshot } from '../server/lab-metrics.js';
import { cpuprofileToTopFrames } from './cpuprofile-to-top-frames.js';
import { flamegraphHtmlToTopFrames } from './flamegraph-html-to-top-frames.js';
import type { HeapProfile, ProfileKind } from '../server/window-profiler.js';
import { closeWindow, fetchMetrics, openWindow, perRequestCosts, resetMetrics, startProfiling, stopProfiling, waitForDrain } from './lab-client.js';
import { cpuProfileToTree, heapProfileToTree, mergeTrees, topSelfFrames, totalOf, type ProfileTree } from './profile-tree.js';
import { summarizeRounds } from './rounds.js';
import type { RoundRecord, VariantRecord } from './run-record.js';
import { lessonServerArgs, startServer, type ProfilerName, type ServerHandle } from './server-process.js';
import type { Terminal } from './terminal.js';
import { TOP_FRAME_COUNT, type TopFrame } from './top-frames.js';

export interface RunIo {
  /** Where human output goes (stdout, or stderr with --json). */
  terminal: Terminal;
  /** Diagnostic lines (server pids); always stderr. */
  diagnostics: (line: string) => void;
  /** Aborted by Ctrl+C. */
  signal?: AbortSignal;
  /** Told of each measured round as it ends (the console streams its figures and lock timeline). */
  onRound?: (label: string, round: RoundRecord) => void;
}

export interface PointResult {
  record: VariantRecord;
  /** The raw graph to publish, if any. */
  graphHtml: string | null;
  profiles: PointProfiles;
}

/** What the in-process profilers saw over the point's measured windows, rounds merged. */
export interface PointProfiles {
  cpu: ProfileTree | null;
  alloc: ProfileTree | null;
  /** The last window's raw heap profile, to save as a `.heapprofile`. */
  heap: HeapProfile | null;
}

const NO_PROFILES: PointProfiles = { cpu: null, alloc: null, heap: null };

export interface OpenPointInput {
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
  /** In-process profiles taken over each measured window. */
  windowProfile?: readonly ProfileKind[];
  /** Flags for the server's node (the allocation pass's). */
  nodeFlags?: readonly string[];
  warmupConnections: number;
  /** Why the warm-up uses fewer connections than the rounds, when it does (the lesson's words). */
  warmupWhy?: string;
}

/** A point whose server is up and warm, between its rounds. */
export interface OpenPoint {
  readonly input: OpenPointInput;
  readonly server: ServerHandle;
  readonly target: Pick<LoadOptions, 'url' | 'requests' | 'acceptRedirects'>;
  readonly logFile: string;
  readonly rounds: RoundRecord[];
  readonly windows: { cpu: ProfileTree[]; alloc: ProfileTree[]; heap: HeapProfile | null };
  /** Set when the server's profiler failed: the point goes on unprofiled (a profile costs its picture, not the run). */
  profilingFailed?: string;
}

export interface RoundInput {
  /** 1-based, for the progress line. */
  index: number;
  of: number;
  /** Measured seconds of this round. */
  durationSec: number;
  /** Seconds of load before the window, not measured. */
  rampSec: number;
  /** The progress line's word for it; `round i/N` by default. */
  phase?: string;
}

/** Starts the point's server and warms it. */
export async function openPoint(input: OpenPointInput): Promise<OpenPoint> {
  return warmPoint(await startPoint(input));
}

/** Starts the point's server (servers of a run start together: most of it is Node booting). */
export async function startPoint(input: OpenPointInput): Promise<OpenPoint> {
  const { io, point } = input;
  throwIfAborted(io.signal);
  const server = await startServer({
    args: lessonServerArgs(input.lessonId, point.variant, input.serverArgs),
    label: point.label,
    runDir: input.runDir,
    profiler: input.profiler,
    clinic: input.clinic,
    verbose: input.verbose,
    env: input.serverEnv,
    nodeFlags: input.nodeFlags,
  });
  io.diagnostics(`server ${point.label} pid=${server.pid} port=${server.port}`);
  const origin = `http://127.0.0.1:${server.port}`;
  const logFile = path.join(input.runDir, `load-${safeFileName(point.label)}.log`);
  const mix = input.mix ?? null;
  try {
    const target: OpenPoint['target'] = mix
      ? { url: origin, requests: await mixRequests(origin, mix, io.signal), acceptRedirects: true }
      : { url: `${origin}${input.pathWithQuery}` };
    return { input, server, target, logFile, rounds: [], windows: { cpu: [], alloc: [], heap: null } };
  } catch (error) {
    await server.stop(TIMING.abortGraceMs);
    throw error;
  }
}

/** Warms a started point (one point at a time: warming is load too); its first round drains it. */
export async function warmPoint(open: OpenPoint): Promise<OpenPoint> {
  const { input, server } = open;
  // V8's CPU profiler names only code compiled while a profile runs: a handler optimized during an
  // unprofiled warm-up had its samples charged to its caller (runMicrotasks, 78% of lesson 3's
  // clone). So one profile runs from before the warm-up to the end; rounds mark their windows in it.
  if (input.windowProfile?.includes('cpu')) await tryProfiling(open, () => startProfiling(server.port, ['cpu']));
  if (input.warmup <= 0) return open;
  try {
    const fewer = input.warmupConnections < input.point.connections
      ? ` (fewer than the ${input.point.connections} measured${input.warmupWhy ? `: ${input.warmupWhy}` : ''})` : '';
    await runWithProgress(input.io, input.driver, input.point.label, 'warm-up', {
      ...open.target, ...loadShared(input, open.logFile), connections: input.warmupConnections, durationSec: input.warmup,
    }, 0, fewer);
    // Not drained here: what the warm-up left (a held lock's queue) drains while the next point
    // warms, and the first round waits for what is left.
    return open;
  } catch (error) {
    await server.stop(TIMING.abortGraceMs);
    throw error;
  }
}

/** One measured round: drain, reset peaks, load (ramp dropped), counters at both ends of the window. */
export async function measureRound(open: OpenPoint, slot: RoundInput): Promise<RoundRecord> {
  const { input, server } = open;
  const { io, point } = input;
  throwIfAborted(io.signal);
  // Requests left from this server's last round (a held lock's queue drains while other points
  // are measured) must not run into this one.
  const drained = await waitForDrain(server.port, 2 * input.timeoutSec * 1000, io.signal);
  await resetMetrics(server.port); // again when the window opens; this covers a window that never does
  const fallback = await fetchMetrics(server.port);
  let before: LabMetricsSnapshot | null = null;
  let machineBefore: ReturnType<typeof machineCpuTicks> = null;
  const phase = slot.phase ?? (slot.of > 1 ? `round ${slot.index}/${slot.of}` : 'measure');
  const profiling = (): boolean => (input.windowProfile ?? []).length > 0 && open.profilingFailed === undefined;
  const kinds = input.windowProfile ?? [];
  const load = await runWithProgress(io, input.driver, point.label, phase, {
    ...open.target,
    ...loadShared(input, open.logFile),
    connections: point.connections,
    durationSec: slot.durationSec,
    rampSec: slot.rampSec,
    onWindowStart: async () => {
      // One round trip (see /__lab/window/open): the profilers start, the window is marked, lock
      // waits, event-loop delay and memory peaks restart (the ramp is not in them), and the
      // counters are read, in that order.
      const opened = await openWindow(server.port, profiling() ? kinds : []);
      if (opened.profileError !== null) profilingFailed(open, opened.profileError);
      before = opened.snapshot;
      machineBefore = machineCpuTicks();
    },
  }, slot.rampSec);
  // Site lessons count work per request (upstream fetches, files opened) when a request starts:
  // let the last requests finish too, so each one's work and its completion are both counted.
  // (Short: at most an upstream round trip. Lesson 2's queue would take seconds, so not there.)
  if (input.mix) await waitForDrain(server.port, 2 * input.timeoutSec * 1000, io.signal);
  // The counters first, then the heap sampler stopped: building its profile allocates too.
  const stopAlloc = profiling() && kinds.includes('alloc');
  const closed = await closeWindow(server.port, stopAlloc);
  if (closed.profileError !== null) profilingFailed(open, closed.profileError);
  if (stopAlloc && closed.heap) {
    open.windows.alloc.push(heapProfileToTree(closed.heap, closed.handler));
    open.windows.heap = closed.heap;
  }
  const after = closed.snapshot;
  const machine = machineShare(machineBefore, machineCpuTicks());
  throwIfAborted(io.signal);
  const record = { ...roundRecord(load, before ?? fallback, after, drained), machineCpuPct: machine };
  open.rounds.push(record);
  io.onRound?.(point.label, record);
  return record;
}

/**
 * Runs a call to the server's profiler; a failure turns profiling off for the point and says so
 * on the diagnostics line, rather than failing the run (its figures do not need the profile).
 */
async function tryProfiling(open: OpenPoint, call: () => Promise<void>): Promise<void> {
  if (open.profilingFailed !== undefined) return;
  try {
    await call();
  } catch (error) {
    profilingFailed(open, (error as Error).message);
  }
}

function profilingFailed(open: OpenPoint, why: string): void {
  open.profilingFailed ??= why;
  open.input.io.diagnostics(`${open.input.point.label}: profiling turned off (${why})`);
}

/** Stops the CPU profile and keeps the samples of the measured windows. */
async function keepCpuProfile(open: OpenPoint): Promise<void> {
  const { handler, cpu } = await stopProfiling(open.server.port, ['cpu']);
  if (cpu && cpu.windows.length > 0) open.windows.cpu.push(cpuProfileToTree(cpu, handler, cpu.windows));
}

/** Stops the server (profilers write their output here) and sums up its rounds. */
export async function closePoint(open: OpenPoint): Promise<PointResult> {
  const { input, server } = open;
  const { io, point, profiler } = input;
  if ((profiler === '0x' || input.clinic) && !io.signal?.aborted) {
    io.terminal.line(io.terminal.paint('dim', `  ${point.label}: ${profiler === '0x' ? '0x is writing the flame graph' : `clinic ${input.clinic} is writing its report`} (a few seconds)…`));
  }
  if (input.windowProfile?.includes('cpu') && open.profilingFailed === undefined && open.rounds.length > 0 && !io.signal?.aborted) {
    // A profile that cannot be read costs its picture (0x's graph still names the top frames).
    await keepCpuProfile(open).catch((error: unknown) => io.diagnostics(`${point.label}: no CPU profile from the server (${(error as Error).message})`));
  }
  // Interrupted, nothing will be published: no need to wait for a profiler to finish.
  const outcome = await server.stop(io.signal?.aborted ? TIMING.abortGraceMs : undefined);
  const profiles: PointProfiles = { cpu: nonEmpty(mergeTrees(open.windows.cpu)), alloc: nonEmpty(mergeTrees(open.windows.alloc)), heap: open.windows.heap };
  let topFrames: TopFrame[] = [];
  let topFramesFrom: VariantRecord['topFramesFrom'] = null;
  // The measured windows' own CPU profile names hot lines; 0x's graph covers the server's whole life.
  if (profiles.cpu) {
    topFrames = topSelfFrames(profiles.cpu, TOP_FRAME_COUNT).map((frame) => ({ name: frame.name, selfPct: frame.pct }));
    topFramesFrom = 'windows';
  } else if (outcome.flamegraphHtml) {
    topFrames = await flamegraphHtmlToTopFrames(outcome.flamegraphHtml).catch(() => []);
    topFramesFrom = '0x';
  } else if (outcome.cpuProfile) {
    topFrames = await cpuprofileToTopFrames(outcome.cpuProfile);
    topFramesFrom = 'cpu-prof';
  }
  const reports: Record<string, string> = {};
  if (outcome.clinicReport && input.clinic) reports[`clinic-${input.clinic}`] = relativeToRoot(outcome.clinicReport);
  const profiled: ProfilerName | null = outcome.cpuProfile ? 'cpu-prof' : outcome.flamegraphHtml ? '0x' : profiler;
  const allocFrames = profiles.alloc ? topSelfFrames(profiles.alloc, TOP_FRAME_COUNT).map((f) => ({ name: f.name, bytes: f.value, pct: f.pct })) : null;
  return { graphHtml: outcome.flamegraphHtml, profiles, record: pointRecord(open, { profiler: profiled, topFrames, topFramesFrom, reports, allocFrames }) };
}

/** A tree with nothing in it (no sample inside the windows) is no profile: 0x's frames are then used. */
function nonEmpty(tree: ProfileTree | null): ProfileTree | null {
  return tree && totalOf(tree.root) > 0 ? tree : null;
}

/** A point a failed or interrupted run measured part of: its rounds so far, no profile. */
export function unfinishedPoint(open: OpenPoint): PointResult {
  return { graphHtml: null, profiles: NO_PROFILES, record: pointRecord(open, { profiler: null, topFrames: [], reports: {}, allocFrames: null }) };
}

function pointRecord(open: OpenPoint, profile: Pick<VariantRecord, 'profiler' | 'topFrames' | 'reports' | 'allocFrames'> & Partial<Pick<VariantRecord, 'topFramesFrom'>>): VariantRecord {
  const { input } = open;
  return {
    name: input.point.label,
    variant: input.point.variant,
    path: input.pathWithQuery,
    mix: input.mix ? { paths: input.mix.paths.length, ifNoneMatch: input.mix.revalidate } : null,
    connections: input.point.connections,
    ...summarizeRounds(open.rounds),
    ...profile,
    flamegraph: null,
    drained: open.rounds.every((r) => r.drained),
  };
}

function loadShared(input: OpenPointInput, logFile: string): Pick<LoadOptions, 'timeoutSec' | 'logFile' | 'workDir' | 'verbose'> {
  return { timeoutSec: input.timeoutSec, logFile, workDir: input.runDir, verbose: input.verbose };
}

function roundRecord(load: LoadResult, before: LabMetricsSnapshot, after: LabMetricsSnapshot, drained: boolean): RoundRecord {
  const costs = perRequestCosts(before, after);
  const windowMs = after.uptimeMs - before.uptimeMs;
  const cpuMs = after.cpu.userMs + after.cpu.systemMs - (before.cpu.userMs + before.cpu.systemMs);
  return {
    rps: round(load.rps, 2),
    durationSec: round(load.durationSec, 3),
    rampSec: load.rampSec === undefined || load.rampSec === null ? null : round(load.rampSec, 3),
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
    serverCpuPct: windowMs > 0 ? round((cpuMs / windowMs) * 100, 1) : 0,
    generatorCpuPct: round(load.generatorCpuPct, 1),
    generatorWarnings: load.generatorWarnings,
    eventLoopDelayMs: after.eventLoopDelayMs
      ? { mean: round(after.eventLoopDelayMs.mean, 2), p99: round(after.eventLoopDelayMs.p99, 2), max: round(after.eventLoopDelayMs.max, 2) }
      : null,
    processes: after.processes ?? 1,
    processShares: processShares(before, after),
    drained,
    timeline: after.timeline ?? null,
  };
}

/** The machine's CPU between two reads of /proc/stat, as % of one core over all its cores. */
function machineShare(before: ReturnType<typeof machineCpuTicks>, after: ReturnType<typeof machineCpuTicks>): { busy: number; steal: number } | null {
  if (!before || !after || after.total <= before.total) return null;
  const cores = os.availableParallelism() * 100;
  const share = (ticks: number): number => round((ticks / (after.total - before.total)) * cores, 1);
  return { busy: share(after.busy - before.busy), steal: share(after.steal - before.steal) };
}

/** Each process's share of the requests completed between two snapshots, when there are several. */
function processShares(before: LabMetricsSnapshot, after: LabMetricsSnapshot): number[] | null {
  if (after.perProcess.length < 2) return null;
  const done = after.perProcess.map((p) => p.completed - (before.perProcess.find((b) => b.pid === p.pid)?.completed ?? 0));
  const total = done.reduce((a, b) => a + b, 0);
  return total > 0 ? done.map((d) => round(d / total, 3)) : null;
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
  phase: string,
  load: LoadOptions & { durationSec: number },
  rampSec = 0,
  /** Said after the connections in the summary line, e.g. why a warm-up uses fewer. */
  connectionsNote = '',
): Promise<LoadResult> {
  const bar = io.terminal.progress(label, rampSec + load.durationSec, phase);
  const result = await driver.run({ ...load, signal: io.signal, onProgress: (p) => bar.update(p.elapsedSec, p.currentRps) });
  const seconds = round(load.durationSec, 1);
  const summary = `${phase} ${seconds} s · ${load.connections} conns${connectionsNote} · ${formatRate(result.rps)} req/s`;
  bar.done(phase === 'warm-up' ? io.terminal.paint('dim', summary) : summary);
  return result;
}

function roundOrNull(value: number | null, decimals: number): number | null {
  return value === null ? null : round(value, decimals);
}
