import { formatRate, percent } from '../../core/format.js';
import type { Lesson, MeasuredPoint } from '../../core/lesson.js';
import { fractionOf, littlesLawRps, round, within } from '../../core/theory.js';
import { rwlockEarlyRelease } from './fast.js';
import { mutexEarlyRelease } from './mutex-early-release.js';
import { heldMutex } from './slow.js';

/** A held lock can only lose throughput to overhead; a little over 1 covers timer slack. */
const HELD_TOLERANCE = [0.8, 1.05] as const;
/** Released, the server shares 2 cores with the load generator: 60% of the bound still shows the law. */
const RELEASED_TOLERANCE = [0.6, 1.1] as const;
/** Against the ceiling, a bound measured for half as long and with a larger start-up share. */
const CEILING_TOLERANCE = [0.6, 1.2] as const;

export const lesson: Lesson = {
  id: 2,
  slug: '02-held-lock',
  title: 'A lock held across an await',
  story: { id: '001', figures: '19.5 → 820 req/s (Rust, warp + tokio, Locust with 3,000 users)' },
  watch: [
    'held-mutex: req/s stays near 1000 / dbMs however many connections wait',
    'lock wait p99 and max queue: where the held variant\'s time goes',
    'mutex-early-release vs rwlock-early-release: which of the story\'s two changes mattered?',
  ],
  params: [
    { name: 'dbMs', description: 'duration of the simulated database call, ms', default: 50, min: 1, max: 2000 },
  ],
  variants: [
    { name: 'held-mutex', summary: 'Mutex held through the DB call (the story\'s bug)', create: heldMutex },
    { name: 'mutex-early-release', summary: 'same Mutex, released before the DB call', create: mutexEarlyRelease },
    { name: 'rwlock-early-release', summary: 'read lock, released before the DB call (the story\'s fix)', create: rwlockEarlyRelease },
  ],
  // Warm up with few connections: 100 connections queued on a held lock take 100 × dbMs to drain.
  load: { connections: 100, duration: 8, warmup: 2, warmupConnections: (connections) => Math.min(connections, 10) },
  profile: false,
  measureCeiling: true,
  equivalentAnswers: true,
  theory: ({ params, connections, thinkTimeMs }) => {
    const dbMs = params.dbMs as number;
    const think = thinkTimeMs ? ` each waiting ${thinkTimeMs} ms between requests` : '';
    return {
      headline:
        `a lock held through a ${dbMs} ms DB call serves ≤ ${formatRate(1000 / dbMs)} req/s; ` +
        `released, ${connections} connections${think} serve ≤ ${formatRate(littlesLawRps(connections, dbMs, thinkTimeMs))} req/s (or the server's ceiling)`,
      // The last of `connections` queued requests waits for all the others.
      worstLatencyMs: connections * dbMs,
    };
  },
  verdict: ({ params, connections, thinkTimeMs, ceilingRps, points }) => {
    const dbMs = params.dbMs as number;
    const law = littlesLawRps(connections, dbMs, thinkTimeMs);
    // Few users with think time may offer less than the lock could serve.
    const heldBound = Math.min(1000 / dbMs, law);
    const releasedBound = ceilingRps === null ? law : Math.min(law, ceilingRps);
    const notes: string[] = [];
    let agrees = true;

    const held = points.find((p) => p.variant === 'held-mutex');
    if (held) {
      const fraction = fractionOf(held.rps, heldBound);
      const ok = within(fraction, HELD_TOLERANCE);
      agrees &&= ok;
      const boundText = heldBound === law ? `${connections} / ${dbMs + thinkTimeMs} ms = ${formatRate(heldBound)}` : `1000 / ${dbMs} ms = ${formatRate(heldBound)}`;
      notes.push(`held-mutex: ${formatRate(held.rps)} req/s = ${percent(fraction)} of ${boundText}${ok ? '' : ` — outside [${HELD_TOLERANCE.map(percent).join(', ')}]`}`);
    }
    for (const point of points.filter((p) => p.variant !== 'held-mutex')) {
      const fraction = fractionOf(point.rps, releasedBound);
      const band = releasedBound === law ? RELEASED_TOLERANCE : CEILING_TOLERANCE;
      const ok = within(fraction, band);
      agrees &&= ok;
      const bound = releasedBound === law ? `${connections} / ${dbMs + thinkTimeMs} ms = ${formatRate(law)}` : `the measured ceiling, ${formatRate(releasedBound)} (trivial route, same load generator)`;
      notes.push(`${point.label}: ${formatRate(point.rps)} req/s = ${percent(fraction)} of ${bound}${ok ? '' : ` — outside [${band.map(percent).join(', ')}]`}`);
    }
    if (held && held.rps > 0) {
      // Little's law read backwards: each of the queued connections waits for all the others.
      notes.push(`held-mutex in steady state: ${connections} connections / ${formatRate(held.rps)} req/s = ${(connections / held.rps).toFixed(1)} s per request (the measured p50 is lower while the queue fills)`);
    }
    notes.push(...whichChangeMattered(held, points));
    return {
      expected: { heldRps: round(heldBound, 1), releasedRps: round(releasedBound, 1), lawRps: round(law, 1), ceilingRps },
      agreesWithTheory: agrees,
      notes,
    };
  },
};

function whichChangeMattered(held: MeasuredPoint | undefined, points: readonly MeasuredPoint[]): string[] {
  const mutex = points.find((p) => p.variant === 'mutex-early-release');
  const rw = points.find((p) => p.variant === 'rwlock-early-release');
  if (!held || !mutex || !rw || held.rps <= 0 || mutex.rps <= 0) return [];
  const releaseGain = mutex.rps / held.rps;
  const rwGain = rw.rps / mutex.rps;
  return [
    `Releasing early is what mattered: the same Mutex released before the await is ${releaseGain.toFixed(1)}x the held one; ` +
      `a read lock instead of a Mutex changes it by ${rwGain >= 1 ? '+' : ''}${Math.round((rwGain - 1) * 100)}% (noise-sized: a critical section without an await never overlaps another on one event loop).`,
    'No flame graph here: the held variant spends its time waiting, not computing. Look at lock wait and max queue, or run with --clinic doctor and compare its CPU and event-loop charts across the variants.',
  ];
}

