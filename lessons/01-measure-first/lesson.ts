import { formatRate } from '../../core/format.js';
import type { Lesson, MeasuredPoint, PlannedPoint } from '../../core/lesson.js';
import { checkSuffix, formatSpread, judgeCheck, pairRounds, perRound, roundsOf, type JudgedCheck } from '../../core/checks.js';
import { littlesLawRps } from '../../core/theory.js';
import { sleep } from './sleep.js';
import { trivial } from './trivial.js';

/**
 * Measured/expected band for a point the law bounds. Timers never fire early, so a little over 1
 * is slack; below 0.7 something other than the law is at work. (A/A: two servers of a timer-bound
 * route differ by at most 5.4% a round: `npm run bench -- --only aa`, lesson 2's row.)
 */
const LAW_BAND = [0.7, 1.1] as const;
/**
 * A sleep point the trivial route bounds: both are then CPU-bound on the same server, so theory
 * says the ratio is 1. How far from 1 it can land is what separates two servers of the trivial
 * route at 1000 connections, round by round (A/A): 0.71–1.77 over 20 rounds on this machine,
 * whose cores run the same loop up to 30% slower from one second to the next. The band is that,
 * both ways: sleep@1000 "meets the ceiling" to within this machine's noise, no closer.
 */
const CEILING_BAND = [0.55, 1.8] as const;
const CONNECTION_STEPS = [1, 10, 100];

export const lesson: Lesson = {
  id: 1,
  slug: '01-measure-first',
  title: 'Measure first',
  story: { id: '001', figures: '19.5 and 820 req/s came from Locust: know what your load generator measures' },
  watch: [
    'req/s of the sleep route should grow with connections: connections / sleepMs (Little\'s law)',
    'until it meets the trivial route\'s req/s: the framework\'s own ceiling on this machine',
    'p50 vs p99: the average hides the tail; warm-up is not measured',
  ],
  params: [
    { name: 'sleepMs', description: 'how long the sleep route waits before answering, ms', default: 50, min: 1, max: 2000 },
  ],
  variants: [
    { name: 'sleep', summary: 'waits sleepMs, then answers: latency without CPU', create: sleep },
    { name: 'trivial', summary: 'answers at once: the framework ceiling', create: trivial },
  ],
  // The top point is far past saturation on purpose: there the law gives way to the ceiling.
  load: { connections: 1000, duration: 5, warmup: 1 },
  profile: false,
  measureCeiling: false,
  ceilingVariant: 'trivial',
  equivalentAnswers: false,
  plan: (connections) => {
    const steps = [...CONNECTION_STEPS.filter((step) => step < connections), connections];
    const points: PlannedPoint[] = steps.map((step) => ({ label: `sleep@${step}`, variant: 'sleep', connections: step }));
    points.push({ label: `trivial@${connections}`, variant: 'trivial', connections });
    return points;
  },
  theory: ({ params, connections, thinkTimeMs }) => ({
    headline:
      `a route that waits ${params.sleepMs} ms serves about connections / ${params.sleepMs} ms${thinkTimeMs ? ` (+ ${thinkTimeMs} ms think time)` : ''}: ` +
      `${formatRate(littlesLawRps(1, params.sleepMs as number, thinkTimeMs))} req/s per connection, ` +
      `${formatRate(littlesLawRps(connections, params.sleepMs as number, thinkTimeMs))} at ${connections}, unless the server saturates first`,
    worstLatencyMs: params.sleepMs as number,
  }),
  verdict: ({ params, points, thinkTimeMs, ceiling }) => {
    const trivial = points.findLast((point) => point.variant === 'trivial');
    const notes: string[] = [];
    const checks: JudgedCheck[] = [];
    const expected: Record<string, number | string | null> = { ceilingRps: ceiling?.rps ?? null, ceilingSetBy: ceiling?.setBy ?? null };
    const sleepMs = params.sleepMs as number;
    for (const point of points.filter((p) => p.variant === 'sleep')) {
      const law = littlesLawRps(point.connections, sleepMs, thinkTimeMs);
      // Bounded by the ceiling only where the law asks for more than the trivial route served.
      const capped = ceiling !== null && trivial !== undefined && law > ceiling.rps && point.connections === trivial.connections;
      const values = capped ? pairRounds(roundsOf(point), ceiling.roundRps, (r, c) => r.rps / Math.min(law, c)) : perRound(point, (r) => r.rps / law);
      const band: readonly [number, number] = !capped ? LAW_BAND : ceiling.setBy === 'generator' ? [LAW_BAND[0], Number.POSITIVE_INFINITY] : CEILING_BAND;
      const check = judgeCheck({ name: point.label, values, band });
      checks.push(check);
      expected[point.label] = Math.round(capped ? ceiling.rps : law);
      const bound = !capped ? `${point.connections} / ${sleepMs + thinkTimeMs} ms = ${formatRate(law)}`
        : `the trivial route's ${formatRate(ceiling.rps)}${ceiling.setBy === 'generator' ? ' (a lower bound: the generator set it)' : ''} (the law alone says ${formatRate(law)})`;
      notes.push(`${point.label}: ${formatRate(point.rps)} req/s = ${formatSpread(check)} of ${bound}${checkSuffix(check)}`);
    }
    notes.push(describeLatency(points));
    return { expected, checks, notes };
  },
};

function describeLatency(points: readonly MeasuredPoint[]): string {
  const top = points.filter((p) => p.variant === 'sleep').at(-1);
  if (!top || top.rps <= 0) return 'no sleep point was measured';
  // Little's law read the other way: time in the system = requests in it / throughput.
  const meanMs = (top.connections / top.rps) * 1000;
  return `at ${top.connections} connections: p50 ${top.latencyMs.p50} ms, p99 ${top.latencyMs.p99} ms; ` +
    `${top.connections} in flight / ${formatRate(top.rps)} req/s = ${Math.round(meanMs)} ms spent per request on average, sleep included`;
}
