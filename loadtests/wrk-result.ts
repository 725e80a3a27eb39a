// Reads the line loadtests/wrk/hotpath.lua prints when wrk is done into a LoadResult.
import { HotpathError } from '../core/errors.js';
import type { LoadResult } from './load-driver.js';

export const WRK_RESULT_PREFIX = 'HOTPATH_WRK_RESULT ';

/** What the script's done() prints (see hotpath.lua for each field). */
export interface WrkReport {
  /** Answers inside the measured window, any status. */
  responses: number;
  ok: number;
  notOk: number;
  /** Body bytes of the `ok` answers inside the window. */
  okBytes: number;
  sent: number;
  received: number;
  /** Requests still unanswered at the end on a thread that heard nothing for the whole timeout. */
  stalled: number;
  windowStartMs: number;
  windowEndMs: number;
  finishedMs: number;
  wrk: { requests: number; bytes: number; durationUs: number };
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: { min: number; p50: number; p90: number; p99: number; max: number; mean: number; stdev: number };
}

/** Finds the script's result line in wrk's stdout; null when there is none (wrk failed first). */
export function parseWrkReport(stdout: string): WrkReport | null {
  const line = stdout.split('\n').find((l) => l.startsWith(WRK_RESULT_PREFIX));
  if (line === undefined) return null;
  let report: unknown;
  try {
    report = JSON.parse(line.slice(WRK_RESULT_PREFIX.length));
  } catch {
    throw new HotpathError('E_LOAD', `wrk's result line is not JSON: ${line.slice(0, 200)}`);
  }
  if (!isReport(report)) throw new HotpathError('E_LOAD', `wrk's result line lacks a field: ${line.slice(0, 200)}`);
  return report;
}

export interface WrkWindow {
  /** Seconds the window was open (it closes early when the run is stopped); 0 if it never opened. */
  durationSec: number;
  /** Seconds from wrk's start to the window opening; null if it never opened. */
  rampSec: number | null;
}

export function wrkReportToResult(report: WrkReport, window: WrkWindow, generator: { cpuPct: number }): LoadResult {
  const per = (n: number): number => (window.durationSec > 0 ? n / window.durationSec : 0);
  // wrk counts errors over its whole run (ramp included); a failure anywhere makes the run invalid.
  const timeouts = report.errors.timeout + report.stalled;
  const ms = (us: number): number => us / 1000;
  const latency = report.latencyUs;
  return {
    driver: 'wrk',
    requests: report.responses,
    ok: report.ok,
    non2xx: report.notOk,
    errors: report.errors.connect + report.errors.read + report.errors.write + timeouts,
    timeouts,
    durationSec: window.durationSec,
    rampSec: window.rampSec,
    rps: per(report.ok),
    bytesPerSec: per(report.okBytes),
    // wrk keeps one histogram a run, at 1 µs: its percentiles cover the ramp too.
    latencyMs: report.wrk.requests > 0 ? { p50: ms(latency.p50), p90: ms(latency.p90), p99: ms(latency.p99), max: ms(latency.max) } : { p50: 0, p90: 0, p99: 0, max: 0 },
    generatorCpuPct: generator.cpuPct,
    generatorWarnings: [],
  };
}

function isReport(value: unknown): value is WrkReport {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const numbers = (o: unknown, keys: string[]): boolean =>
    typeof o === 'object' && o !== null && keys.every((k) => typeof (o as Record<string, unknown>)[k] === 'number');
  return numbers(v, ['responses', 'ok', 'notOk', 'okBytes', 'sent', 'received', 'stalled', 'windowStartMs', 'windowEndMs', 'finishedMs'])
    && numbers(v.wrk, ['requests', 'bytes', 'durationUs'])
    && numbers(v.errors, ['connect', 'read', 'write', 'status', 'timeout'])
    && numbers(v.latencyUs, ['min', 'p50', 'p90', 'p99', 'max', 'mean', 'stdev']);
}
