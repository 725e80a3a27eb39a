// Talks to a running lesson server's /__lab routes: metrics, reset, and draining.
import { setTimeout as sleep } from 'node:timers/promises';
import { TIMING } from '../core/defaults.js';
import { HotpathError } from '../core/errors.js';
import type { LabMetricsSnapshot } from '../server/lab-metrics.js';
import type { HeapProfile, ProfileKind, WindowProfiles } from '../server/window-profiler.js';

async function labRequest(port: number, route: string, method: 'GET' | 'POST' = 'GET', timeoutMs: number = TIMING.labRequestTimeoutMs): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${port}${route}`, { method, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    // A server that crashed or hangs mid-run: a failed run with a log to read, not a bug of ours.
    throw new HotpathError('E_SERVER', `the server on port ${port} did not answer ${method} ${route} (${(error as Error).message}); see its server-*.log in the run folder`);
  }
  if (!response.ok) throw new HotpathError('E_SERVER', `${method} ${route} answered ${response.status}`);
  return response.json();
}

export async function fetchMetrics(port: number): Promise<LabMetricsSnapshot> {
  return (await labRequest(port, '/__lab/metrics')) as LabMetricsSnapshot;
}

export async function resetMetrics(port: number): Promise<void> {
  await labRequest(port, '/__lab/reset', 'POST');
}

/** Starts the server's in-process profilers (V8's CPU sampler, its sampling heap profiler). */
export async function startProfiling(port: number, kinds: readonly ProfileKind[]): Promise<void> {
  await labRequest(port, `/__lab/profile/start?kinds=${kinds.join(',')}`, 'POST');
}

/**
 * Opens a measured window in one round trip: starts the profilers of `kinds`, marks the window,
 * resets the metrics' peaks and answers the counters. `profileError`: a profiler that failed.
 */
export async function openWindow(port: number, kinds: readonly ProfileKind[]): Promise<{ snapshot: LabMetricsSnapshot; profileError: string | null }> {
  const query = kinds.length > 0 ? `?kinds=${kinds.join(',')}` : '';
  return (await labRequest(port, `/__lab/window/open${query}`, 'POST')) as { snapshot: LabMetricsSnapshot; profileError: string | null };
}

/** Closes it: the counters first, then the window's end marked and, with `stopAlloc`, the heap profile. */
export async function closeWindow(port: number, stopAlloc: boolean): Promise<{ snapshot: LabMetricsSnapshot; handler: string; heap: HeapProfile | null; profileError: string | null }> {
  return (await labRequest(port, `/__lab/window/close${stopAlloc ? '?stop=alloc' : ''}`, 'POST', 6 * TIMING.labRequestTimeoutMs)) as {
    snapshot: LabMetricsSnapshot; handler: string; heap: HeapProfile | null; profileError: string | null;
  };
}

/** Stops them: the profiles, and the name of the variant's handler function. */
export async function stopProfiling(port: number, kinds: readonly ProfileKind[]): Promise<WindowProfiles & { handler: string }> {
  // A CPU profile of a whole run is a few MB of JSON to write: more time than a counter read.
  return (await labRequest(port, `/__lab/profile/stop?kinds=${kinds.join(',')}`, 'POST', 6 * TIMING.labRequestTimeoutMs)) as WindowProfiles & { handler: string };
}

/**
 * Waits until no lesson request is in flight, at most `timeoutMs`. When the load stops,
 * requests queued behind a held lock keep running and would poison the next measurement.
 * @returns whether the server drained in time
 */
export async function waitForDrain(port: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metrics = await fetchMetrics(port);
    if (metrics.requests.inFlight === 0) return true;
    if (Date.now() >= deadline || signal?.aborted) return false;
    await sleep(TIMING.drainPollMs);
  }
}

/** Per-request CPU, GC and work counters between two snapshots of the same server. */
export function perRequestCosts(before: LabMetricsSnapshot, after: LabMetricsSnapshot): {
  requests: number;
  cpuMsPerRequest: number | null;
  gcMsPerRequest: number | null;
  allocBytesPerRequest: number | null;
  workPerRequest: Record<string, number>;
} {
  const requests = after.requests.completed - before.requests.completed;
  if (requests <= 0) return { requests, cpuMsPerRequest: null, gcMsPerRequest: null, allocBytesPerRequest: null, workPerRequest: {} };
  const cpuMs = after.cpu.userMs + after.cpu.systemMs - (before.cpu.userMs + before.cpu.systemMs);
  // Work is counted when a request starts (an upstream fetch, a file opened), and the window can
  // open with requests in flight: divide by the requests that started in it. (The runner lets
  // them finish before the last snapshot, so none of those is left out.)
  const started = after.requests.completed + after.requests.inFlight - (before.requests.completed + before.requests.inFlight);
  const workPerRequest = Object.fromEntries(
    Object.entries(after.counters).map(([name, value]) => [name, started > 0 ? (value - (before.counters[name] ?? 0)) / started : 0]),
  );
  return {
    requests,
    cpuMsPerRequest: cpuMs / requests,
    gcMsPerRequest: after.instrumented ? (after.gc.totalMs - before.gc.totalMs) / requests : null,
    allocBytesPerRequest: after.allocatedBytes !== null && before.allocatedBytes !== null ? (after.allocatedBytes - before.allocatedBytes) / requests : null,
    workPerRequest,
  };
}
