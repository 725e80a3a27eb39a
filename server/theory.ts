// Small helpers lessons use to state theory and judge a measurement against it.

/**
 * Requests per second that `connections` clients reach when each request takes `latencyMs` and
 * each client then waits `thinkTimeMs` (Little's law: throughput = concurrency / time per cycle).
 */
export function littlesLawRps(connections: number, latencyMs: number, thinkTimeMs = 0): number {
  return (connections * 1000) / (latencyMs + thinkTimeMs);
}

/** measured / expected, or null when nothing was expected. */
export function fractionOf(measured: number, expected: number): number | null {
  return expected > 0 ? measured / expected : null;
}

export function within(value: number | null, [low, high]: readonly [number, number]): boolean {
  return value !== null && value >= low && value <= high;
}

export function percent(fraction: number | null): string {
  return fraction === null ? 'n/a' : `${Math.round(fraction * 100)}%`;
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Bytes per second as MB/s (10^6 bytes, as load generators count), e.g. `110.6 MB/s`. */
export function formatMbps(bytesPerSec: number, decimals = 1): string {
  return `${(bytesPerSec / 1e6).toFixed(decimals)} MB/s`;
}

/** A rate for prose: 19.4, 1,833, 0.52. */
export function formatRate(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
