// Small helpers lessons use to state theory and judge a measurement against it.

/** Requests per second that `connections` closed-loop clients reach at `latencyMs` each (Little's law). */
export function littlesLawRps(connections: number, latencyMs: number): number {
  return (connections * 1000) / latencyMs;
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

/** A rate for prose: 19.4, 1,833, 0.52. */
export function formatRate(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
