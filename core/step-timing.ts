// Whether one step of a whole-process lesson is faster than the one before, beyond the noise of
// timing single runs. Runs of this machine scatter by about 5% whatever the step (an A/A run, a
// step against itself, spread its run-by-run ratios over 0.79–1.23 on 0.4 s runs, while its
// medians stayed within a few percent), so a step is judged by the difference of medians against
// the noise of a median, not run by run.
import { median, type JudgedCheck } from './checks.js';

/** How many standard errors a saving must pass: an A/A difference does so about 2% of the time. */
export const SAVING_Z = 2;

/** A median of n runs scatters about 1.25 times as much as their mean (normal noise). */
const MEDIAN_EFFICIENCY = 1.253;

/**
 * The scatter of one run, as a fraction of its step's median, pooled over every step: the median
 * absolute deviation of each run from its step's median, relative to it, × 1.4826 (a standard
 * deviation for normal noise, robust to one disturbed run). Relative, because a 1.8 s run
 * scatters by more milliseconds than a 0.5 s one (about the same percentage, in A/A runs here);
 * pooled, so that two or three runs per step still give a steady figure. With few runs a median
 * sits close to its own runs: an odd count's middle run (0 from the median by construction) is
 * left out, and the deviations are scaled by √(n / (n − 1)), as a sample variance is. Without
 * that, 3 runs per step read 2 ms of noise once, where 10 runs read 45.
 */
export function pooledRunNoise(steps: ReadonlyArray<{ runsMs: readonly number[] }>): number {
  const deviations = steps.flatMap((step) => {
    const n = step.runsMs.length;
    if (n < 2) return [];
    const sorted = [...step.runsMs].sort((a, b) => a - b);
    const middle = median(sorted);
    const kept = n % 2 === 1 ? sorted.filter((_, i) => i !== (n - 1) / 2) : sorted;
    return kept.map((ms) => (Math.abs(ms - middle) / middle) * Math.sqrt(n / (n - 1)));
  });
  return deviations.length === 0 ? 0 : 1.4826 * median(deviations);
}

/**
 * The saving from `previous` to `step` (difference of medians, ms) held to the noise of that
 * difference (`runNoise`: pooledRunNoise's fraction): beyond SAVING_Z standard errors it agrees
 * (or disagrees, if slower); within, the step is noise-sized here: inconclusive.
 */
export function judgeSaving(name: string, previous: readonly number[], step: readonly number[], runNoise: number): JudgedCheck & { noiseMs: number } {
  const [before, after] = [median(previous), median(step)];
  const saving = before - after;
  const noiseMs = SAVING_Z * MEDIAN_EFFICIENCY * runNoise * Math.sqrt((before * before) / previous.length + (after * after) / step.length);
  const outcome = saving > noiseMs ? 'agrees' : saving < -noiseMs ? 'disagrees' : 'inconclusive';
  return {
    name, values: [saving], band: [noiseMs, Number.POSITIVE_INFINITY], outcome, median: saving, min: saving, max: saving,
    edge: outcome === 'agrees' ? null : 'lower', noiseMs,
  };
}
