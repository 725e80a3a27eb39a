import { formatRate, percent } from '../../core/format.js';
import type { Lesson, MeasuredPoint, PlannedPoint, RoundFigures } from '../../core/lesson.js';
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
 * Past the ceiling the server is CPU-bound: at least this share of a core in every round. The
 * trivial route at 1000 connections used 102–113% here (JavaScript's thread plus GC and I/O
 * threads); sleep@100, still following the law, 35–54%.
 */
const SATURATED_CPU_PCT = 90;
/**
 * A sleep point past the ceiling against the trivial route: both CPU-bound on the same server,
 * so theory says a ratio of 1. But a CPU-bound rate swings here: two servers of the trivial route
 * at 1000 connections differ by 0.71–1.77x a round (A/A, 20 rounds), as this shared machine's
 * cores run the same loop up to 50% slower from one second to the next and the server's cost per
 * request moves with how many requests each turn of its event loop finds. So this only guards.
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
  profile: 'none',
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
    const notes: string[] = [];
    const checks: JudgedCheck[] = [];
    const expected: Record<string, number | string | null> = { ceilingRps: ceiling?.rps ?? null, ceilingSetBy: ceiling?.setBy ?? null };
    const sleepMs = params.sleepMs as number;
    for (const point of points.filter((p) => p.variant === 'sleep')) {
      const law = littlesLawRps(point.connections, sleepMs, thinkTimeMs);
      // Past the ceiling wherever the law asks for more than the trivial route served (with a short
      // sleepMs, already below the top connection count).
      const capped = ceiling !== null && law > ceiling.rps;
      if (!capped) {
        const check = judgeCheck({ name: point.label, values: perRound(point, (r) => r.rps / law), band: LAW_BAND });
        checks.push(check);
        expected[point.label] = Math.round(law);
        notes.push(`${point.label}: ${formatRate(point.rps)} req/s = ${formatSpread(check)} of ${point.connections} / ${sleepMs + thinkTimeMs} ms = ${formatRate(law)}${checkSuffix(check)}`);
        continue;
      }
      // Past the ceiling the law gives way to a full CPU: the server's (or, when it set the
      // ceiling, the load generator's). That decides; the req/s against the trivial route's only
      // guards, as it swings with this machine (see CEILING_BAND).
      const busiest = (r: RoundFigures): number => (ceiling.setBy === 'generator' ? Math.max(r.serverCpuPct, r.generatorCpuPct) : r.serverCpuPct);
      const saturated = judgeCheck({ name: `${point.label} saturated`, values: perRound(point, busiest), band: [SATURATED_CPU_PCT, Number.POSITIVE_INFINITY] });
      const versus = judgeCheck({ name: point.label, values: pairRounds(roundsOf(point), ceiling.roundRps, (r, c) => r.rps / c), band: CEILING_BAND, guard: true });
      checks.push(saturated, versus);
      expected[point.label] = Math.round(ceiling.rps);
      const side = ceiling.setBy === 'generator' ? 'the busier of server and load generator' : 'the server';
      const pct = (value: number): string => `${Math.round(value)}%`;
      notes.push(`${point.label}: ${formatRate(point.rps)} req/s, far below the law's ${formatRate(law)}: ${side} used ${formatSpread(saturated, pct)} of a core, ` +
        `saturated as theory says past the ceiling${checkSuffix(saturated, pct)}`);
      notes.push(`${point.label} against the trivial route (${formatRate(ceiling.rps)} req/s${ceiling.setBy === 'generator' ? ', a lower bound: the generator set it' : ''}): ` +
        `${formatSpread(versus)}${versus.outcome === 'disagrees' ? checkSuffix(versus) : `, within the ${percent(CEILING_BAND[0])}–${percent(CEILING_BAND[1])} that two rounds of one route differ by at 1000 connections here`}`);
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
