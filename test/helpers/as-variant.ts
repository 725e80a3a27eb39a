// A driver's LoadResult dressed as a variant record, so a test can ask judgeValidity about it.
import type { VariantRecord } from '../../lab/run-record.js';
import type { LoadResult } from '../../loadtests/load-driver.js';

export function asVariant(result: LoadResult): VariantRecord {
  return {
    name: 'probe', variant: 'probe', path: '/', mix: null, connections: 4, rps: result.rps, requests: result.requests,
    errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, bytesPerSec: result.bytesPerSec,
    latencyMs: result.latencyMs, cpuMsPerRequest: null, gcMsPerRequest: null, allocBytesPerRequest: null, lockWait: null, workPerRequest: {}, memory: null,
    generatorCpuPct: result.generatorCpuPct, generatorWarnings: result.generatorWarnings, profiler: null, flamegraph: null, topFrames: [], allocFrames: null, reports: {}, drained: true,
    rounds: [], spread: { rpsMin: result.rps, rpsMax: result.rps }, serverCpuPct: 0,
  };
}
