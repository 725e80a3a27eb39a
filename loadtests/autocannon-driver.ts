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

export const autocannonDriver: LoadDriver = {
  name: 'autocannon',
  async run(options: LoadOptions): Promise<LoadResult> {
    assertLoopbackTarget(options.url);
    const rampSec = options.rampSec ?? 0;
    const window = new WindowStats();
    let windowStartedAt = 0;
    let windowStart: Promise<void> = Promise.resolve();
    let meter = cpuMeter();
    const openWindow = (): void => {
      window.open();
      windowStartedAt = performance.now();
      meter = cpuMeter(); // the generator's CPU over the measured window only
      windowStart = options.onWindowStart?.() ?? Promise.resolve();
    };
    let windowEndedAt = 0;
    await new Promise<void>((resolve, reject) => {
      let okSinceTick = 0;
      const started = performance.now();
      const isOk = (status: number): boolean => status >= 200 && status < (options.acceptRedirects ? 400 : 300);
      const instance = autocannon(
        {
          url: options.url,
          connections: options.connections,
          duration: rampSec + options.durationSec,
          timeout: options.timeoutSec,
          // autocannon notices its stop time only when it samples: every second by default, which
          // would round each round up to whole seconds.
          sampleInt: STOP_CHECK_MS,
          // Each connection walks the mix in order and starts over: every path gets its share.
          ...(options.requests ? { requests: options.requests.map((r) => ({ method: 'GET' as const, path: r.path, headers: r.headers ?? {} })) } : {}),
        },
        (error) => {
          windowEndedAt = performance.now();
          clearInterval(ticker);
          clearTimeout(rampTimer);
          options.signal?.removeEventListener('abort', abort);
          if (error) reject(error);
          else resolve();
        },
      );
      instance.on('response', (_client: unknown, statusCode: number, resBytes: number, responseTime: number) => {
        const ok = isOk(statusCode);
        if (ok) okSinceTick += 1;
        window.response(ok, resBytes, responseTime);
      });
      instance.on('reqError', (error: Error) => window.error(error.message === TIMED_OUT));
      const rampTimer = setTimeout(openWindow, rampSec * 1000);
      let lastTick = started;
      const ticker = setInterval(() => {
        const now = performance.now();
        options.onProgress?.({ elapsedSec: (now - started) / 1000, currentRps: (okSinceTick * 1000) / (now - lastTick) });
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
      rps: per(counts.ok),
      bytesPerSec: per(counts.okBytes),
      latencyMs: counts.latencyMs,
      generatorCpuPct,
      generatorWarnings: [],
    };
  },
};
