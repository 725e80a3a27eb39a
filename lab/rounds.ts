// Sums up a point's rounds: medians for the figures a verdict reads, the spread of req/s, sums
// for what went wrong (validity is judged on the sums), the highest for peaks and the generator.
import { median } from '../core/checks.js';
import { round } from '../core/theory.js';
import type { RoundRecord, VariantRecord } from './run-record.js';

export type RoundsSummary = Pick<VariantRecord,
  | 'rps' | 'latencyMs' | 'cpuMsPerRequest' | 'gcMsPerRequest' | 'allocBytesPerRequest' | 'lockWait' | 'bytesPerSec'
  | 'workPerRequest' | 'memory' | 'rounds' | 'spread' | 'requests' | 'errors' | 'timeouts' | 'non2xx'
  | 'serverCpuPct' | 'generatorCpuPct' | 'generatorWarnings' | 'eventLoopDelayMs' | 'processes'>;

export function summarizeRounds(rounds: readonly RoundRecord[]): RoundsSummary {
  const of = (pick: (r: RoundRecord) => number): number => median(rounds.map(pick));
  const nullableMedian = (pick: (r: RoundRecord) => number | null, decimals: number): number | null => {
    const values = rounds.map(pick).filter((v): v is number => v !== null);
    return values.length === 0 ? null : round(median(values), decimals);
  };
  const sum = (pick: (r: RoundRecord) => number): number => rounds.reduce((total, r) => total + pick(r), 0);
  const rps = rounds.map((r) => r.rps);
  const counters = [...new Set(rounds.flatMap((r) => Object.keys(r.workPerRequest)))];
  const locks = rounds.map((r) => r.lockWait).filter((l) => l !== null);
  const memories = rounds.map((r) => r.memory).filter((m) => m !== null);
  const delays = rounds.map((r) => r.eventLoopDelayMs).filter((d) => d !== null && d !== undefined);
  return {
    rps: rounds.length > 0 ? round(of((r) => r.rps), 2) : 0,
    spread: { rpsMin: rounds.length > 0 ? Math.min(...rps) : 0, rpsMax: rounds.length > 0 ? Math.max(...rps) : 0 },
    latencyMs: {
      p50: rounds.length > 0 ? of((r) => r.latencyMs.p50) : 0,
      p90: rounds.length > 0 ? of((r) => r.latencyMs.p90) : 0,
      p99: rounds.length > 0 ? of((r) => r.latencyMs.p99) : 0,
      max: Math.max(0, ...rounds.map((r) => r.latencyMs.max)),
    },
    cpuMsPerRequest: nullableMedian((r) => r.cpuMsPerRequest, 4),
    gcMsPerRequest: nullableMedian((r) => r.gcMsPerRequest, 4),
    allocBytesPerRequest: nullableMedian((r) => r.allocBytesPerRequest, 0),
    lockWait: locks.length === 0 ? null : {
      acquisitions: locks.reduce((total, l) => total + l.acquisitions, 0),
      p99Ms: round(median(locks.map((l) => l.p99Ms)), 2),
      maxQueue: Math.max(...locks.map((l) => l.maxQueue)),
    },
    bytesPerSec: rounds.length > 0 ? Math.round(of((r) => r.bytesPerSec)) : 0,
    workPerRequest: Object.fromEntries(counters.map((name) => [name, round(median(rounds.map((r) => r.workPerRequest[name] ?? 0)), 4)])),
    memory: memories.length === 0 ? null : {
      heapUsedMb: Math.max(...memories.map((m) => m.heapUsedMb)),
      rssMb: Math.max(...memories.map((m) => m.rssMb)),
      arrayBuffersMb: Math.max(...memories.map((m) => m.arrayBuffersMb)),
    },
    rounds: [...rounds],
    requests: sum((r) => r.requests),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
    serverCpuPct: rounds.length > 0 ? round(of((r) => r.serverCpuPct), 1) : 0,
    generatorCpuPct: Math.max(0, ...rounds.map((r) => r.generatorCpuPct)),
    generatorWarnings: [...new Set(rounds.flatMap((r) => r.generatorWarnings))],
    eventLoopDelayMs: delays.length === 0 ? null : {
      mean: round(median(delays.map((d) => d.mean)), 2),
      p99: round(median(delays.map((d) => d.p99)), 2),
      max: Math.max(...delays.map((d) => d.max)),
    },
    processes: Math.max(1, ...rounds.map((r) => r.processes ?? 1)),
  };
}
