// Locust's CSV output (`--csv PREFIX`) to a LoadResult: `_stats.csv` gives counts, rates and
// percentiles, `_failures.csv` says what failed, `_stats_history.csv` feeds the progress bar.
import { parse } from 'csv-parse/sync';
import type { LoadResult } from './load-driver.js';

type Row = Record<string, string>;

function rows(csv: string): Row[] {
  return parse(csv, { columns: true, skip_empty_lines: true, trim: true }) as Row[];
}

/** A number from a Locust cell; `N/A` (no requests yet) reads as 0. */
function num(row: Row, column: string): number {
  const cell = row[column];
  if (cell === undefined) throw new Error(`Locust CSV has no column \`${column}\``);
  const value = Number(cell);
  return Number.isFinite(value) ? value : 0;
}

export interface LocustAggregate {
  requests: number;
  failures: number;
  /** Locust's own requests/s over its run: all requests, failures included. */
  requestsPerSec: number;
  avgContentBytes: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

/** The `Aggregated` row of `<prefix>_stats.csv`. */
export function parseLocustStats(csv: string): LocustAggregate {
  const aggregated = rows(csv).find((row) => row.Name === 'Aggregated');
  if (!aggregated) throw new Error('Locust stats CSV has no Aggregated row');
  return {
    requests: num(aggregated, 'Request Count'),
    failures: num(aggregated, 'Failure Count'),
    requestsPerSec: num(aggregated, 'Requests/s'),
    avgContentBytes: num(aggregated, 'Average Content Size'),
    latencyMs: { p50: num(aggregated, '50%'), p90: num(aggregated, '90%'), p99: num(aggregated, '99%'), max: num(aggregated, '100%') },
  };
}

export interface FailureCounts {
  /** Answers with a status Locust counted as failed: 4xx or 5xx (and 3xx, where a locustfile does not accept them). */
  non2xx: number;
  timeouts: number;
  /** Other failures: refused or reset connections, protocol errors. */
  connectionErrors: number;
}

/**
 * Sorts `<prefix>_failures.csv` by kind. FastHttpUser reports `BadStatusCode('…', code=500)`,
 * HttpUser `HTTPError('500 Server Error: …')`; timeouts read "timed out" in both.
 */
export function parseLocustFailures(csv: string): FailureCounts {
  const counts: FailureCounts = { non2xx: 0, timeouts: 0, connectionErrors: 0 };
  for (const row of rows(csv)) {
    const error = row.Error ?? '';
    const occurrences = num(row, 'Occurrences');
    if (/code=[345]\d\d\b|^HTTPError\('[45]\d\d /.test(error)) counts.non2xx += occurrences;
    else if (/timed out|timeout/i.test(error)) counts.timeouts += occurrences;
    else counts.connectionErrors += occurrences;
  }
  return counts;
}

export interface HistoryPoint {
  /** Unix seconds. */
  timestamp: number;
  users: number;
  totalRequests: number;
}

/** The Aggregated rows of `<prefix>_stats_history.csv`, oldest first. */
export function parseLocustHistory(csv: string): HistoryPoint[] {
  return rows(csv)
    .filter((row) => row.Name === 'Aggregated')
    .map((row) => ({ timestamp: num(row, 'Timestamp'), users: num(row, 'User Count'), totalRequests: num(row, 'Total Request Count') }));
}

/**
 * Requests per second over the last `windowSec` of history (null until it spans a second).
 * A window of a few seconds, because a master hears from its workers only every 3 s.
 */
export function currentRpsFromHistory(history: readonly HistoryPoint[], windowSec = 3): number | null {
  const last = history.at(-1);
  if (!last) return null;
  const from = history.findLast((point) => point.timestamp <= last.timestamp - windowSec) ?? history[0]!;
  if (last.timestamp - from.timestamp < 1) return null;
  return (last.totalRequests - from.totalRequests) / (last.timestamp - from.timestamp);
}

/**
 * Builds the LoadResult. Locust counts failures inside its request count, so completed 2xx are
 * requests − failures; its own requests/s fixes the elapsed time they were counted over.
 */
export function locustCsvToResult(input: {
  statsCsv: string;
  failuresCsv: string;
  /** Fallback for the elapsed time when Locust recorded no request. */
  durationSec: number;
  generatorCpuPct: number;
  generatorWarnings: string[];
}): LoadResult {
  const stats = parseLocustStats(input.statsCsv);
  const failures = parseLocustFailures(input.failuresCsv);
  const durationSec = stats.requestsPerSec > 0 ? stats.requests / stats.requestsPerSec : input.durationSec;
  const ok = Math.max(0, stats.requests - stats.failures);
  return {
    driver: 'locust',
    requests: stats.requests - failures.timeouts - failures.connectionErrors,
    ok,
    non2xx: failures.non2xx,
    errors: failures.timeouts + failures.connectionErrors,
    timeouts: failures.timeouts,
    durationSec,
    rps: ok / durationSec,
    bytesPerSec: (stats.avgContentBytes * stats.requests) / durationSec,
    latencyMs: stats.latencyMs,
    generatorCpuPct: input.generatorCpuPct,
    generatorWarnings: input.generatorWarnings,
  };
}
