// A verdict is made of checks: one figure per round, held to a band theory gives. A check agrees
// when every round lands in its band, disagrees when every round lands outside it, and is
// inconclusive when its rounds straddle an edge: the noise is as large as the question.
import { percent } from './format.js';

export type Outcome = 'agrees' | 'disagrees' | 'inconclusive';

export interface Check {
  /** What is checked, as a note names it, e.g. `held-mutex`. */
  name: string;
  /**
   * The figure per round (rounds of different points paired by index: they ran side by side),
   * or a single value for a figure without timing noise.
   */
  values: readonly number[];
  /** Inclusive band; an open side is ±Infinity. */
  band: readonly [number, number];
  /**
   * A guard only catches what is clearly wrong: it can make a verdict disagree, never
   * inconclusive (lesson 3's req/s, shown beside the allocation that decides).
   */
  guard?: boolean;
}

export interface JudgedCheck extends Check {
  outcome: Outcome;
  median: number;
  min: number;
  max: number;
  /** Inconclusive or disagreeing: the edge its values cross or lie beyond. */
  edge: 'lower' | 'upper' | null;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function judgeCheck(check: Check): JudgedCheck {
  const values = check.values.filter((v) => Number.isFinite(v));
  const [low, high] = check.band;
  if (values.length === 0) return { ...check, outcome: 'disagrees', median: Number.NaN, min: Number.NaN, max: Number.NaN, edge: null };
  const min = Math.min(...values);
  const max = Math.max(...values);
  const base = { ...check, median: median(values), min, max };
  if (min >= low && max <= high) return { ...base, outcome: 'agrees', edge: null };
  if (max < low) return { ...base, outcome: 'disagrees', edge: 'lower' };
  if (min > high) return { ...base, outcome: 'disagrees', edge: 'upper' };
  // Some rounds in, some out (or out on both sides): the spread straddles an edge.
  return { ...base, outcome: 'inconclusive', edge: min < low ? 'lower' : 'upper' };
}

/**
 * A check that could not be made (its figure was not measured, or is lost in noise at these
 * parameters): inconclusive, so that a run resting on nothing else cannot read "agrees".
 */
export function unjudged(name: string): JudgedCheck {
  return { name, values: [], band: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY], outcome: 'inconclusive', median: Number.NaN, min: Number.NaN, max: Number.NaN, edge: null };
}

/** Disagrees if any check does; else inconclusive if any is; else agrees (no checks: agrees). */
export function overallOutcome(checks: readonly Pick<JudgedCheck, 'outcome' | 'guard'>[]): Outcome {
  if (checks.some((c) => c.outcome === 'disagrees')) return 'disagrees';
  if (checks.some((c) => c.outcome === 'inconclusive' && !c.guard)) return 'inconclusive';
  return 'agrees';
}

/** The rounds of a point as a verdict sees them: its rounds, or the point itself when it has none. */
export function roundsOf<R>(point: R & { rounds?: readonly R[] }): readonly R[] {
  return point.rounds && point.rounds.length > 0 ? point.rounds : [point];
}

/** A figure of each round of `point` (null and non-finite figures dropped). */
export function perRound<R>(point: R & { rounds?: readonly R[] }, pick: (round: R) => number | null): number[] {
  return finite(roundsOf(point).map(pick));
}

/**
 * Round i of `a` with round i of `b`: interleaved rounds ran side by side, so a ratio of the pair
 * cancels what the machine did to both. Unpaired rounds (a point with fewer) are left out.
 */
export function pairRounds<A, B>(a: readonly A[], b: readonly B[], combine: (x: A, y: B) => number | null): number[] {
  return finite(a.slice(0, b.length).map((x, i) => combine(x, b[i]!)));
}

function finite(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null && Number.isFinite(v));
}

/** `98%` for one round, `98% (95–101%)` for several: the median, then the spread. */
export function formatSpread(judged: Pick<JudgedCheck, 'median' | 'min' | 'max' | 'values'>, format: (value: number) => string = percent): string {
  const [middle, low, high] = [format(judged.median), format(judged.min), format(judged.max)];
  if (judged.values.length <= 1 || low === high) return middle;
  return `${middle} (${low}–${high})`;
}

/** What a note adds after a check's figure: nothing when it agrees. */
export function checkSuffix(judged: JudgedCheck, format: (value: number) => string = percent): string {
  if (judged.outcome === 'agrees') return '';
  const [low, high] = judged.band;
  const band = Number.isFinite(low) && Number.isFinite(high) ? `[${format(low)}, ${format(high)}]`
    : Number.isFinite(low) ? `at least ${format(low)}` : `at most ${format(high)}`;
  if (judged.outcome === 'disagrees') return ` — outside ${band}`;
  const edge = judged.edge === 'lower' ? format(low) : format(high);
  return ` — inconclusive: its rounds straddle the ${judged.edge} edge, ${edge}, of ${band} (more rounds, e.g. --rounds 5, narrow the spread)`;
}
