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

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
