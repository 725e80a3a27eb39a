import { formatRate } from '../../core/format.js';
import type { Lesson, Verdict } from '../../core/lesson.js';
import { noClone } from './fast.js';
import { cloneEveryRound } from './slow.js';

/** From this many rounds per request the copies clearly cost throughput and GC time. */
const ROUNDS_FOR_A_VISIBLE_COPY = 100_000;
/** Below it, no-clone must still be at least this fraction of clone-every-round's req/s. */
const NOT_SLOWER_WITHIN = 0.9;

export const lesson: Lesson = {
  id: 3,
  slug: '03-clone-in-loop',
  title: 'Cloning in a hot loop',
  story: { id: '001', figures: 'a .cloned() in a 1,000,000-round loop: allocation towers in the flame graph' },
  watch: [
    'req/s: both variants do the same parsing and summing; only one copies the array each round',
    'GC ms per request: the copies are garbage the moment a round ends',
    'the top self-time frames, then the two flame graphs side by side',
  ],
  params: [
    { name: 'iterations', description: 'rounds of the summing loop per request', default: 1_000_000, min: 1, max: 10_000_000 },
  ],
  variants: [
    { name: 'clone-every-round', summary: 'copies and reverses the ids every round (the story\'s .cloned())', create: cloneEveryRound },
    { name: 'no-clone', summary: 'walks the ids backwards in place with reduceRight', create: noClone },
  ],
  // CPU-bound on one event loop: more connections only queue; one shows the per-request cost.
  load: { connections: 1, duration: 8, warmup: 2 },
  profile: true,
  measureCeiling: false,
  equivalentAnswers: true,
  theory: ({ params, connections }) => ({
    headline:
      `both variants parse and add ${formatRate(params.iterations as number * 3)} ids per request; ` +
      'the clone adds one short-lived array per round, so no-clone should serve more req/s and spend less GC time per request',
    // Generous: 1 µs per round per queued request.
    worstLatencyMs: connections * (params.iterations as number) * 0.001,
  }),
  verdict: ({ params, points }): Verdict => {
    const slow = points.find((p) => p.variant === 'clone-every-round');
    const fast = points.find((p) => p.variant === 'no-clone');
    if (!slow || !fast) return { expected: {}, agreesWithTheory: false, notes: ['both variants must be measured'] };
    // With few rounds the copies are lost in the request's fixed cost: expect no-clone to be no
    // slower (within noise), and do not ask the GC figures to tell the variants apart.
    const visible = (params.iterations as number) >= ROUNDS_FOR_A_VISIBLE_COPY;
    const faster = visible ? fast.rps > slow.rps : fast.rps >= slow.rps * NOT_SLOWER_WITHIN;
    const lessGc = !visible || (slow.gcMsPerRequest !== null && fast.gcMsPerRequest !== null && fast.gcMsPerRequest < slow.gcMsPerRequest);
    const notes = [
      `no-clone serves ${slow.rps > 0 ? (fast.rps / slow.rps).toFixed(2) : 'n/a'}x the req/s of clone-every-round${faster ? '' : visible ? ' — expected it to be faster' : ' — expected it to be no slower'}`,
      `GC per request: ${fmtMs(slow.gcMsPerRequest)} with the clone, ${fmtMs(fast.gcMsPerRequest)} without${lessGc ? '' : ' — expected less without the clone'}`,
    ];
    if (!visible) notes.push(`with fewer than ${ROUNDS_FOR_A_VISIBLE_COPY.toLocaleString('en-US')} rounds the copies cost too little to stand out of each request's fixed cost`);
    return {
      expected: visible ? { fasterVariant: 'no-clone', lessGcPerRequest: 'no-clone' } : { fasterVariant: 'no-clone or a tie', lessGcPerRequest: null },
      agreesWithTheory: faster && lessGc,
      notes,
    };
  },
};

function fmtMs(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(2)} ms`;
}
