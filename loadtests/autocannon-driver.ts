// The default driver: autocannon, in this process. It counts every response itself so that the
// ramp (connections opening, the first requests queueing) can be dropped from what it reports,
// shows 2xx live for the progress bar, and reports its own CPU use, so a run can tell when the
// generator, not the server, set the number.
import autocannon from 'autocannon';
import { TIMING } from '../core/defaults.js';
import { assertLoopbackTarget } from '../core/loopback.js';
import { cpuMeter, type LoadDriver, type LoadOptions, type LoadResult } from './load-driver.js';
import { WindowStats } from './window-stats.js';

const TIMED_OUT = 'request timed out'; // autocannon's message for a request past its timeout
const STOP_CHECK_MS = 50;

/** A ramp never waits longer than this for its last connections: the window opens anyway. */
const RAMP_MAX_SEC = 5;

interface AutocannonClient {
  conn?: { connecting: boolean; once(event: 'connect', listener: () => void): void };
}

export const autocannonDriver: LoadDriver = {
  name: 'autocannon',
  async run(options: LoadOptions): Promise<LoadResult> {
    assertLoopbackTarget(options.url);
    const rampSec = options.rampSec ?? 0;
    const window = new WindowStats();
    let windowStartedAt = 0;
    let windowEndedAt = 0;
    let windowStart: Promise<void> = Promise.resolve();
    let meter = cpuMeter();
    // The ramp ends once its time is up *and* every connection is open (connected, or answered).
    const open = new WeakSet<object>();
    let openCount = 0;
    let rampTimeUp = rampSec <= 0;
    let stopTimer: NodeJS.Timeout | undefined;
    let stopLoad = (): void => {};
    let finished = false;
    let windowError: unknown = null;
    const startedAt = performance.now();
    const openWindow = (): void => {
      // A connect that lands after the load ended (it was stopped during its ramp) opens nothing.
      if (window.isOpen || finished) return;
      window.open();
      windowStartedAt = performance.now();
      meter = cpuMeter(); // the generator's CPU over the measured window only
      // Handled at once: a failed read of the server's counters stops the load and fails the run
      // after it, instead of surfacing later as an unhandled rejection.
      windowStart = (options.onWindowStart?.() ?? Promise.resolve()).catch((error: unknown) => {
        windowError = error;
        stopLoad();
      });
      stopTimer = setTimeout(() => stopLoad(), options.durationSec * 1000);
    };
    const maybeOpenWindow = (): void => {
      if (rampTimeUp && openCount >= options.connections) openWindow();
    };
    const markOpen = (client: object): void => {
      if (open.has(client)) return;
      open.add(client);
      openCount += 1;
      maybeOpenWindow();
    };
    await new Promise<void>((resolve, reject) => {
      let okSinceTick = 0;
      const isOk = (status: number): boolean => status >= 200 && status < (options.acceptRedirects ? 400 : 300);
      const instance = autocannon(
        {
          url: options.url,
          connections: options.connections,
          // Stopped by the window's own timer; this is only a backstop.
          duration: RAMP_MAX_SEC + rampSec + options.durationSec + 1,
          timeout: options.timeoutSec,
          // autocannon notices a stop only when it samples: every second by default, which would
          // round each round up to whole seconds.
          sampleInt: STOP_CHECK_MS,
          setupClient: (handle) => {
            // The client opens its socket right after this call returns.
            const client = handle as unknown as AutocannonClient;
            setImmediate(() => {
              if (client.conn && !client.conn.connecting) markOpen(client);
              else client.conn?.once('connect', () => markOpen(client));
            });
          },
          // Each connection walks the mix in order and starts over: every path gets its share.
          ...(options.requests ? { requests: options.requests.map((r) => ({ method: 'GET' as const, path: r.path, headers: r.headers ?? {} })) } : {}),
        },
        (error) => {
          finished = true;
          windowEndedAt = performance.now();
          clearInterval(ticker);
          clearTimeout(rampTimer);
          clearTimeout(rampCap);
          clearTimeout(stopTimer);
          options.signal?.removeEventListener('abort', abort);
          if (error) reject(error);
          else resolve();
        },
      );
      stopLoad = () => instance.stop();
      instance.on('response', (client: object, statusCode: number, resBytes: number, responseTime: number) => {
        markOpen(client); // a reconnected socket's first answer proves it open too
        const ok = isOk(statusCode);
        if (ok) okSinceTick += 1;
        window.response(ok, resBytes, responseTime);
      });
      instance.on('reqError', (error: Error) => window.error(error.message === TIMED_OUT));
      const rampTimer = setTimeout(() => {
        rampTimeUp = true;
        maybeOpenWindow();
      }, rampSec * 1000);
      const rampCap = setTimeout(openWindow, (rampSec + RAMP_MAX_SEC) * 1000);
      maybeOpenWindow();
      let lastTick = startedAt;
      const ticker = setInterval(() => {
        const now = performance.now();
        options.onProgress?.({ elapsedSec: (now - startedAt) / 1000, currentRps: (okSinceTick * 1000) / (now - lastTick) });
        okSinceTick = 0;
        lastTick = now;
      }, TIMING.progressTickMs);
      const abort = (): void => instance.stop();
      // An already-aborted signal never fires 'abort': stop at once instead of running the full time.
      if (options.signal?.aborted) abort();
      else options.signal?.addEventListener('abort', abort, { once: true });
    });
    const generatorCpuPct = window.isOpen ? meter.stop() : 0;
    await windowStart;
    if (windowError) throw windowError;
    const counts = window.counts();
    // Stopped (Ctrl+C) before the ramp ended: nothing was measured.
    const durationSec = window.isOpen ? (windowEndedAt - windowStartedAt) / 1000 : 0;
    const per = (n: number): number => (durationSec > 0 ? n / durationSec : 0);
    return {
      driver: 'autocannon',
      requests: counts.requests,
      ok: counts.ok,
      non2xx: counts.non2xx,
      errors: counts.errors,
      timeouts: counts.timeouts,
      durationSec,
      rampSec: window.isOpen ? (windowStartedAt - startedAt) / 1000 : null,
      rps: per(counts.ok),
      bytesPerSec: per(counts.okBytes),
      latencyMs: counts.latencyMs,
      generatorCpuPct,
      generatorWarnings: [],
    };
  },
};
