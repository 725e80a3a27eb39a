import { checkSuffix, formatSpread, judgeCheck, pairRounds, roundsOf, unjudged, type JudgedCheck } from '../../core/checks.js';
import { formatRate } from '../../core/format.js';
import type { Lesson, MeasuredPoint, Verdict } from '../../core/lesson.js';
import { round } from '../../core/theory.js';
import { perWorkerFortunesPage } from './fast.js';
import { fortunesPage } from './slow.js';

const ONE = 'one-process';
const CLUSTER = 'cluster';

/**
 * Below this many cores left to the server once the load generator has taken its share, a cluster
 * has too little to show: its gain would be lost in the noise, so the verdict says why instead.
 */
export const MIN_CORES_LEFT = 1.5;
/**
 * What decides: the cores the cluster keeps busy, over one process's (server CPU %, round by
 * round), from this share of the cores left up to them plus a margin. A figure of the cores, not
 * of req/s: two servers running the same variant here served up to 27% apart in a round (each
 * process JIT-compiles on its own; see the README's A/A runs), while their CPU % agreed within 4%.
 */
const CORES_FLOOR_SHARE = 0.75;
const CORES_CEILING_MARGIN = 1.15;
/** req/s guards: a cluster that keeps more cores busy must also serve clearly more. */
const RPS_GUARD = 1.2;
/**
 * The cluster does the same work per request as one process; its CPU per request (workers and
 * primary) only guards against plumbing that costs what it gains. Wide: two servers running the
 * same variant here differed by up to 1.24x in CPU per request over a run (A/A, see the README),
 * so only a cluster far outside that disagrees.
 */
const SAME_WORK_BAND = [0.6, 1.6] as const;
/** A worker with more than this share of a round's requests had more than its part of the connections. */
const UNEVEN_SHARE = 0.65;

/**
 * How the cluster's requests fell on its workers, round by round: the primary deals out
 * connections, and a worker busy rendering answers its turn late, so one can get more than its part.
 */
function shareNotes(cluster: MeasuredPoint): string[] {
  const shares = roundsOf(cluster).map((r) => r.processShares).filter((s): s is number[] => Array.isArray(s) && s.length > 1);
  if (shares.length === 0) return [];
  const percents = shares.map((s) => s.map((share) => Math.round(share * 100)).join('/')).join(', ');
  const uneven = shares.filter((s) => Math.max(...s) > UNEVEN_SHARE).length;
  return [`requests per worker (%, by round): ${percents}` +
    (uneven > 0 ? ` — in ${uneven} round${uneven === 1 ? '' : 's'} one worker served over ${Math.round(UNEVEN_SHARE * 100)}%: it held more of the connections, and the cluster could not use every core` : '')];
}

/** Other processes' CPU (or the hypervisor's steal) above this, % of one core, marks a round as disturbed. */
const DISTURBED_PCT = 25;

/**
 * Rounds in which something besides the server and the generator took CPU: a cluster that needs
 * every core shows it first. Other processes' share is the machine's busy CPU less the server's
 * and the generator's; steal is what the hypervisor gave other guests.
 */
function disturbanceNotes(points: readonly MeasuredPoint[]): string[] {
  const seen: string[] = [];
  for (const point of points) {
    roundsOf(point).forEach((r, i) => {
      if (!r.machineCpuPct) return;
      const others = Math.max(0, r.machineCpuPct.busy - r.serverCpuPct - r.generatorCpuPct);
      if (others > DISTURBED_PCT || r.machineCpuPct.steal > DISTURBED_PCT) {
        seen.push(`${point.label} round ${i + 1}: other processes ${Math.round(others)}%, steal ${Math.round(r.machineCpuPct.steal)}%`);
      }
    });
  }
  return seen.length === 0 ? [] : [`this machine was busy with other work (% of a core): ${seen.join('; ')}. A round like that cannot show what a cluster does with every core`];
}

/** What the machine leaves to a cluster: its cores less what the generator used, the busiest round's. */
export function coresLeft(cores: number, points: readonly MeasuredPoint[]): { generatorCores: number; coresLeft: number } {
  const generatorCores = Math.max(0, ...points.flatMap((p) => roundsOf(p).map((r) => r.generatorCpuPct))) / 100;
  return { generatorCores, coresLeft: cores - generatorCores };
}

/** Why this machine cannot show a cluster's gain, or null when it can. */
export function whyNotShown(cores: number, left: number): string | null {
  if (cores < 2) return 'this machine gives Node 1 core, so the cluster has 1 worker: one process already uses all there is';
  if (left < MIN_CORES_LEFT) {
    return `the load generator took ${(cores - left).toFixed(2)} of this machine's ${cores} cores, leaving the server ${left.toFixed(2)}: ` +
      `less than the ${MIN_CORES_LEFT} a cluster needs to show its gain above the noise`;
  }
  return null;
}

export const lesson: Lesson = {
  id: 6,
  slug: '06-share-nothing',
  title: 'Share nothing',
  story: { id: '003', figures: 'Actix: one independent worker per logical CPU, each with its own Postgres connection and no locks; first in TechEmpower Fortunes, round 18' },
  watch: [
    'server CPU %: one process cannot pass one core; the cluster spreads the same pages over every core',
    'loop delay: how late each event loop runs, while renders queue on it',
  ],
  params: [
    { name: 'rows', description: 'fortunes rendered per page (TechEmpower\'s 13, repeated): milliseconds of CPU per request', default: 10_000, min: 1, max: 100_000 },
  ],
  variants: [
    { name: ONE, summary: 'one process: every page rendered on its one event loop', create: fortunesPage },
    { name: CLUSTER, summary: 'node:cluster, one worker per core, each with its own table and loop', create: perWorkerFortunesPage, cluster: true },
  ],
  load: { connections: 8, duration: 9, warmup: 2 },
  profile: 'none',
  measureCeiling: false,
  equivalentAnswers: true,
  exercise: {
    reference: { variant: CLUSTER, file: 'fast.ts' },
    // The cores kept busy decide, req/s guards (see CORES_FLOOR_SHARE): the reference keeps
    // 1.8–1.9x one-process's cores busy here, one-process in the exercise's place 1.0x.
    figure: 'cores',
    threshold: 1.4,
    rpsGuard: RPS_GUARD,
    hints: [
      'Read server CPU % for both variants: how much of this machine does one process use, however many requests wait?',
      'JavaScript runs on one thread per process. To use every core, run one process per core, each with its own state: nothing to share, nothing to lock.',
      'The lab runs an exercise that exports `cluster = true` as a node:cluster, one worker per core, each calling your factory once (so each opens its own table).',
    ],
    inconclusiveWhen: ({ cores, points }) => whyNotShown(cores, coresLeft(cores, points).coresLeft),
  },
  theory: ({ params, cores = 1 }) => ({
    headline: `every request renders a page of ${params.rows as number} rows on an event loop; one process has one loop, ` +
      `so at most one core; a cluster of ${cores} workers (one per core here) can answer up to ${cores}x as many, ` +
      'less the share of those cores the load generator takes',
    worstLatencyMs: 2000,
  }),
  verdict: ({ points, cores = 1 }): Verdict => {
    const one = points.find((p) => p.variant === ONE);
    const many = points.find((p) => p.variant === CLUSTER);
    if (!one || !many) return { expected: {}, checks: [unjudged('both variants')], notes: ['both variants must be measured'] };
    // The cluster is meant to run one worker per core: a "cluster" that served from fewer
    // processes is judged against that, and falls short (HOTPATH_SWAP's test makes one).
    const workers = cores;
    const served = many.processes ?? cores;
    const { generatorCores, coresLeft: left } = coresLeft(cores, points);
    const atMost = Math.min(workers, left);
    const band = [CORES_FLOOR_SHARE * atMost, CORES_CEILING_MARGIN * atMost] as const;
    const times = (value: number): string => `${value.toFixed(2)}x`;
    const paired = (pick: (m: MeasuredPoint['rounds'][number], o: MeasuredPoint['rounds'][number]) => number | null): number[] => pairRounds(roundsOf(many), roundsOf(one), pick);
    const reason = whyNotShown(cores, left);
    const busy: JudgedCheck = reason
      ? unjudged('cores kept busy')
      : judgeCheck({ name: 'cores kept busy', band, values: paired((m, o) => (o.serverCpuPct > 0 ? m.serverCpuPct / o.serverCpuPct : null)) });
    const speed = judgeCheck({ name: 'cluster req/s', band: [reason ? Number.NEGATIVE_INFINITY : RPS_GUARD, Number.POSITIVE_INFINITY], guard: true, values: paired((m, o) => (o.rps > 0 ? m.rps / o.rps : null)) });
    const sameWork = judgeCheck({
      name: 'CPU per request', band: SAME_WORK_BAND, guard: true,
      values: paired((m, o) => (m.cpuMsPerRequest !== null && o.cpuMsPerRequest ? m.cpuMsPerRequest / o.cpuMsPerRequest : null)),
    });
    const delay = (p: MeasuredPoint): string => (p.eventLoopDelayMs ? `p99 ${formatRate(p.eventLoopDelayMs.p99)} ms` : 'not measured');
    const leftWords = `${left.toFixed(2)} cores left after the generator's ${generatorCores.toFixed(2)}`;
    const notes = [
      reason
        ? `cores kept busy: the cluster ${Math.round(many.serverCpuPct)}% of a core, one process ${Math.round(one.serverCpuPct)}%; not judged: ${reason}. On a machine with more cores than the generator needs, the cluster keeps them busy and its req/s grows with them (see the lesson's README)`
        : `cores kept busy: the cluster ${formatSpread(busy, times)} one process's, for at most ${times(atMost)} (${served} worker${served === 1 ? '' : 's'}, ${leftWords})${checkSuffix(busy, times)}`,
      `cluster req/s: ${formatSpread(speed, times)} one process's (${formatRate(many.rps)} vs ${formatRate(one.rps)}); theory: at most ${times(atMost)}, less what handing out connections costs` +
        (speed.outcome === 'disagrees' ? ` — below ${RPS_GUARD}x in every round: busier without serving more` : '') +
        // More than the cores allow: not a cluster beating theory, a one process that ran slower.
        (speed.median > atMost * 1.05 && sameWork.median < 1 ? `; above it because this run's one process spent more CPU per request (the cluster's ${times(sameWork.median)} of it): a process runs the same code at its own speed` : ''),
      `server CPU: one process ${Math.round(one.serverCpuPct)}% of a core, the cluster ${Math.round(many.serverCpuPct)}% (its ${served} worker${served === 1 ? '' : 's'} and the primary)`,
      `CPU per request: the cluster's is ${formatSpread(sameWork, times)} one process's (the same pages, spread over more cores)${checkSuffix(sameWork, times)}`,
      ...shareNotes(many),
      ...disturbanceNotes([one, many]),
      `event-loop delay: one process ${delay(one)}, the cluster's busiest worker ${delay(many)} (a loop runs the renders that are ready before it looks at its timers)`,
      ...(one.memory && many.memory ? [`memory: one process peaked at ${formatRate(one.memory.rssMb)} MiB RSS, the cluster's workers at ${formatRate(many.memory.rssMb)} MiB together: every worker holds its own heap and state`] : []),
    ];
    return {
      expected: { cores, workers, generatorCores: round(generatorCores, 2), coresLeft: round(left, 2), speedupAtMost: round(atMost, 2), coresBand: band.map((b) => round(b, 2)).join('-') },
      checks: [busy, speed, sameWork],
      notes,
    };
  },
};
