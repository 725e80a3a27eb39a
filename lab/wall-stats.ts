// hyperfine's summary of repeated runs: mean ± standard deviation (n − 1), min, median, max.
import { median } from '../core/checks.js';

export function wallStats(runsMs: readonly number[]): { mean: number; stdev: number; min: number; median: number; max: number } {
  const n = runsMs.length;
  const mean = runsMs.reduce((sum, ms) => sum + ms, 0) / n;
  const variance = n > 1 ? runsMs.reduce((sum, ms) => sum + (ms - mean) ** 2, 0) / (n - 1) : 0;
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  return { mean: round(mean), stdev: round(Math.sqrt(variance)), min: round(Math.min(...runsMs)), median: round(median(runsMs)), max: round(Math.max(...runsMs)) };
}
