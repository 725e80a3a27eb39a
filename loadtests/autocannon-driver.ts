// The default driver: autocannon, in this process. Counts 2xx live for the progress bar and
// reports its own CPU use, so a run can tell when the generator, not the server, set the number.
import autocannon from 'autocannon';
import { TIMING } from '../core/defaults.js';
import { assertLoopbackTarget } from '../core/loopback.js';
import { cpuMeter, type LoadDriver, type LoadOptions, type LoadResult } from './load-driver.js';

export const autocannonDriver: LoadDriver = {
  name: 'autocannon',
  async run(options: LoadOptions): Promise<LoadResult> {
    assertLoopbackTarget(options.url);
    return new Promise((resolve, reject) => {
      const meter = cpuMeter();
      let okSinceTick = 0;
      const started = Date.now();
      const isOk = (status: number): boolean => status >= 200 && status < (options.acceptRedirects ? 400 : 300);
      const instance = autocannon(
        {
          url: options.url,
          connections: options.connections,
          duration: options.durationSec,
          timeout: options.timeoutSec,
          // Each connection walks the mix in order and starts over: every path gets its share.
          ...(options.requests ? { requests: options.requests.map((r) => ({ method: 'GET' as const, path: r.path, headers: r.headers ?? {} })) } : {}),
        },
        (error, result) => {
          clearInterval(ticker);
          options.signal?.removeEventListener('abort', abort);
          if (error) {
            reject(error);
            return;
          }
          const generatorCpuPct = meter.stop();
          const durationSec = result.duration > 0 ? result.duration : options.durationSec;
          const ok = result['2xx'] + (options.acceptRedirects ? result['3xx'] : 0);
          resolve({
            driver: 'autocannon',
            requests: result.requests.total,
            ok,
            non2xx: result.non2xx - (options.acceptRedirects ? result['3xx'] : 0),
            errors: result.errors,
            timeouts: result.timeouts,
            durationSec,
            rps: ok / durationSec,
            bytesPerSec: result.throughput.total / durationSec,
            latencyMs: {
              p50: result.latency.p50,
              p90: result.latency.p90,
              p99: result.latency.p99,
              max: result.latency.max,
            },
            generatorCpuPct,
            generatorWarnings: [],
          });
        },
      );
      instance.on('response', (_client: unknown, statusCode: number) => {
        if (isOk(statusCode)) okSinceTick += 1;
      });
      let lastTick = started;
      const ticker = setInterval(() => {
        const now = Date.now();
        options.onProgress?.({ elapsedSec: (now - started) / 1000, currentRps: (okSinceTick * 1000) / (now - lastTick) });
        okSinceTick = 0;
        lastTick = now;
      }, TIMING.progressTickMs);
      const abort = (): void => instance.stop();
      // An already-aborted signal never fires 'abort': stop at once instead of running the full time.
      if (options.signal?.aborted) abort();
      else options.signal?.addEventListener('abort', abort, { once: true });
    });
  },
};
