// The Locust CSV parser, on files Locust 2.12.1 (Debian) wrote on this machine: a clean run
// against lesson 2's fast variant, 400s from a bad parameter, timeouts from a server that never
// answers, and refused connections, each with FastHttpUser ("fast") and HttpUser ("story").
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { currentRpsFromHistory, locustCsvToResult, parseLocustFailures, parseLocustHistory, parseLocustStats } from '../../loadtests/locust-csv-to-result.js';

const fixture = (name: string): string => readFileSync(path.join(projectRoot, 'test', 'fixtures', 'locust', name), 'utf8');

describe('Locust CSV', () => {
  it('reads the Aggregated row of a clean run', () => {
    const stats = parseLocustStats(fixture('ok-fast_stats.csv'));
    expect(stats.requests).toBeGreaterThan(1000);
    expect(stats.failures).toBe(0);
    expect(stats.latencyMs.p50).toBeGreaterThanOrEqual(50); // dbMs=50
    expect(stats.latencyMs.p99).toBeGreaterThanOrEqual(stats.latencyMs.p90);
    expect(stats.latencyMs.max).toBeGreaterThanOrEqual(stats.latencyMs.p99);
  });

  it('turns a clean run into a LoadResult with rps from completed requests', () => {
    const result = locustCsvToResult({ statsCsv: fixture('ok-fast_stats.csv'), failuresCsv: fixture('ok-fast_failures.csv'), durationSec: 6, generatorCpuPct: 40, generatorWarnings: [] });
    const stats = parseLocustStats(fixture('ok-fast_stats.csv'));
    expect(result.ok).toBe(stats.requests);
    expect(result.rps).toBeCloseTo(stats.requestsPerSec, 6);
    expect(result.non2xx + result.errors + result.timeouts).toBe(0);
    expect(result.bytesPerSec).toBeGreaterThan(0);
  });

  it.each(['bad400-fast', 'bad400-story'])('%s: 4xx answers are non-2xx, never successes', (name) => {
    const result = locustCsvToResult({ statsCsv: fixture(`${name}_stats.csv`), failuresCsv: fixture(`${name}_failures.csv`), durationSec: 2, generatorCpuPct: 0, generatorWarnings: [] });
    expect(result.non2xx).toBeGreaterThan(0);
    expect(result.non2xx).toBe(result.requests);
    expect(result.ok).toBe(0);
    expect(result.rps).toBe(0);
    expect(result.errors).toBe(0);
  });

  it.each(['timeout-fast', 'timeout-story'])('%s: a server that never answers gives timeouts', (name) => {
    const failures = parseLocustFailures(fixture(`${name}_failures.csv`));
    expect(failures.timeouts).toBeGreaterThan(0);
    expect(failures.non2xx + failures.connectionErrors).toBe(0);
    const result = locustCsvToResult({ statsCsv: fixture(`${name}_stats.csv`), failuresCsv: fixture(`${name}_failures.csv`), durationSec: 3, generatorCpuPct: 0, generatorWarnings: [] });
    expect(result.timeouts).toBe(failures.timeouts);
    expect(result.rps).toBe(0);
  });

  it('counts refused connections as errors', () => {
    const failures = parseLocustFailures(fixture('refused-fast_failures.csv'));
    expect(failures.connectionErrors).toBeGreaterThan(0);
    expect(failures.timeouts + failures.non2xx).toBe(0);
  });

  it('reads live req/s from the history file', () => {
    const history = parseLocustHistory(fixture('ok-fast_stats_history.csv'));
    expect(history[0]?.users).toBe(0);
    expect(history.at(-1)?.users).toBe(100);
    const rps = currentRpsFromHistory(history);
    expect(rps).toBeGreaterThan(1000);
    expect(currentRpsFromHistory(history.slice(0, 1))).toBeNull();
  });

  it('rejects a file without an Aggregated row', () => {
    expect(() => parseLocustStats('Type,Name,Request Count\n')).toThrow(/Aggregated/);
  });
});
