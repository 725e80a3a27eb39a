import { formatRate } from '../../core/format.js';
import { checkSuffix, formatSpread, judgeCheck, pairRounds, roundsOf } from '../../core/checks.js';
import type { Lesson, Verdict } from '../../core/lesson.js';
import { collectUserIds, createClientDirectory } from '../support/client-directory.js';
import { noClone } from './fast.js';
import { cloneEveryRound } from './slow.js';

/** Ids per request: the copied array's length. */
const IDS = collectUserIds(createClientDirectory()).length;
/**
 * Bytes of one copy on 64-bit V8 (Node 20 x64, no pointer compression): a JSArray of 4 words
 * (map, properties, elements, length) and its backing store of 2 words (map, length) and one
 * word per element.
 */
const ARRAY_BYTES = (4 + 2 + IDS) * 8;
/**
 * What the clone allocates beyond no-clone, per request, over the copies' bytes. At least the
 * copies; V8's own temporaries in slice() and reverse() come on top (A/A, see README).
 */
const COPY_BYTES_BAND = [0.9, 1.6] as const;
/**
 * The copies stand out of what any request allocates anyway (parsing, JSON, Express: 27–64 KB
 * per request on lessons 1 and 2's routes here) from this many bytes: ten times the most of it.
 */
const VISIBLE_COPY_BYTES = 640 * 1024;
/** No-clone is "clearly slower" only below this share of clone-every-round's req/s in every round. */
const NOT_SLOWER_WITHIN = 0.9;

export const lesson: Lesson = {
  id: 3,
  slug: '03-clone-in-loop',
  title: 'Cloning in a hot loop',
  story: { id: '001', figures: 'a .cloned() in a 1,000,000-round loop: allocation towers in the flame graph' },
  watch: [
    'req/s: both variants do the same parsing and summing; only one copies the array each round',
    'alloc KB per request: one short-lived array per round, counted by V8 itself; GC ms follows it',
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
    const iterations = params.iterations as number;
    const copyBytes = iterations * ARRAY_BYTES;
    if (!slow || !fast) return { expected: {}, checks: [judgeCheck({ name: 'both variants', values: [], band: [0, 0] })], notes: ['both variants must be measured'] };
    const slowRounds = roundsOf(slow);
    const fastRounds = roundsOf(fast);
    // Bytes without timing noise decide: what the clone allocates beyond no-clone, per request,
    // is the copies, round for round.
    const copies = judgeCheck({
      name: 'bytes of the copies',
      values: pairRounds(slowRounds, fastRounds, (s_, f) => (s_.allocBytesPerRequest === null || f.allocBytesPerRequest === null ? null : (s_.allocBytesPerRequest - f.allocBytesPerRequest) / copyBytes)),
      band: COPY_BYTES_BAND,
    });
    // Req/s only guards: it makes the verdict disagree when no-clone is clearly slower.
    const speed = judgeCheck({ name: 'req/s', values: pairRounds(fastRounds, slowRounds, (f, s_) => (s_.rps > 0 ? f.rps / s_.rps : null)), band: [NOT_SLOWER_WITHIN, Number.POSITIVE_INFINITY], guard: true });
    // A few copies are lost in what every request allocates anyway (parsing, JSON, Express).
    const measured = slow.allocBytesPerRequest !== null && fast.allocBytesPerRequest !== null;
    const visible = measured && copyBytes >= VISIBLE_COPY_BYTES;
    const kb = (bytes: number | null): string => (bytes === null ? 'n/a' : `${formatRate(bytes / 1024)} KB`);
    const times = (value: number): string => `${value.toFixed(2)}x`;
    const notes = [
      `allocated per request: ${kb(slow.allocBytesPerRequest)} with the clone, ${kb(fast.allocBytesPerRequest)} without; ` +
        (visible
          ? `the difference is ${formatSpread(copies)} of the copies theory counts (${formatRate(iterations)} rounds × ${ARRAY_BYTES} bytes = ${kb(copyBytes)})${checkSuffix(copies)}`
          : !measured ? 'allocation was not measured (the server ran without instrumentation)'
          : `the copies (${kb(copyBytes)}) are too few to tell from what a request allocates anyway (tens of KB): raise --param iterations to ${formatRate(Math.ceil(VISIBLE_COPY_BYTES / ARRAY_BYTES))} or more`),
      `no-clone serves ${formatSpread(speed, times)} the req/s of clone-every-round` +
        (speed.outcome === 'disagrees' ? ' — it is clearly slower, which the copies cannot explain' : speed.min < 1 ? ' (some rounds slower: timing noise; the bytes above decide)' : ''),
      `GC per request: ${fmtMs(slow.gcMsPerRequest)} with the clone, ${fmtMs(fast.gcMsPerRequest)} without`,
    ];
    return {
      expected: { copyBytesPerRequest: copyBytes, copyBytesBand: `${COPY_BYTES_BAND[0]}-${COPY_BYTES_BAND[1]}`, noCloneOverCloneRpsMin: NOT_SLOWER_WITHIN },
      checks: visible ? [copies, speed] : [speed],
      notes,
    };
  },
};

function fmtMs(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(2)} ms`;
}
