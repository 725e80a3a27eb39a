import { formatRate } from '../../core/format.js';
import { checkSuffix, formatSpread, judgeCheck, pairRounds, perRound, roundsOf, unjudged } from '../../core/checks.js';
import type { Lesson, MeasuredPoint, Verdict } from '../../core/lesson.js';
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
 * Bytes per request over the copies' bytes, for each variant. Measured here (A/A, `npm run bench
 * -- --only aa`): clone-every-round allocates exactly 72 bytes a round in some server processes
 * and 87 in others, where the optimizer also boxes a 16-byte number each round; no-clone 0 or
 * those 16; each process the same to 0.1% round after round. Add what any request allocates
 * (under 0.1 of the copies at the default rounds) and the clone reads 1.0–1.25, no-clone 0–0.25.
 */
const CLONE_BYTES_BAND = [0.95, 1.35] as const;
const NO_CLONE_BYTES_BAND = [0, 0.3] as const;
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
  teaches: 'allocation',
  profile: 'both',
  measureCeiling: false,
  equivalentAnswers: true,
  exercise: {
    reference: { variant: 'no-clone', file: 'fast.ts' },
    figure: 'allocBytes',
    // Bytes, not time: V8 counts them, round after round the same to 0.1%. Measured here (default
    // load, 6 checks of 3 rounds, 2026-11-28): the reference 1,400–3,000x fewer bytes than
    // clone-every-round in most server processes, but only 4.8–5.8x in one whose optimizer boxes
    // the running sum (16 bytes a round; see CLONE_BYTES_BAND), which 3 of its 6 processes did;
    // clone-every-round against itself (A/A) 1.00x, 0.83x when only one of the two boxes. 3x sits
    // between the two.
    threshold: 3,
    notes: ({ params, mine, reference }) => {
      // 16 bytes a round is a boxed number, not a copy: say so, or a learner hunts for a copy that is gone.
      const perRound = (point: MeasuredPoint | undefined): number | null =>
        point?.allocBytesPerRequest == null ? null : point.allocBytesPerRequest / (params.iterations as number);
      const boxed = (point: MeasuredPoint | undefined): boolean => { const b = perRound(point); return b !== null && b > 12 && b < 20; };
      const who = [boxed(mine) ? 'your exercise' : null, boxed(reference) ? 'the reference' : null].filter(Boolean);
      return who.length === 0 ? [] : [
        `${who.join(' and ')} allocated about 16 bytes a round: not a copy (a copy is ${ARRAY_BYTES} bytes), but the running sum kept as a heap number ` +
        'each round by V8\'s optimizer in that server process (a boxed double; another process may not do it). The copies are gone.',
      ];
    },
    hints: [
      'Read the two numbers in the table: alloc KB per request, and how many rounds a request runs. Divide one by the other: what is allocated every round?',
      '`slice()` makes a new array every round, only so that `reverse()` does not turn the shared ids around. The loop needs to walk the ids backwards, not to own a reversed copy.',
      'Arrays can be reduced from the right: `reduceRight` walks the same elements in reverse order, in place. Keep `addParsedId` and the round as the starting value.',
    ],
  },
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
    // Bytes without timing noise decide: the clone allocates the copies, no-clone none of them.
    const perCopies = (bytes: number | null): number | null => (bytes === null ? null : bytes / copyBytes);
    const cloneBytes = judgeCheck({ name: 'clone-every-round bytes', values: perRound(slow, (r) => perCopies(r.allocBytesPerRequest)), band: CLONE_BYTES_BAND });
    const noCloneBytes = judgeCheck({ name: 'no-clone bytes', values: perRound(fast, (r) => perCopies(r.allocBytesPerRequest)), band: NO_CLONE_BYTES_BAND });
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
          ? `the copies theory counts are ${formatRate(iterations)} rounds × ${ARRAY_BYTES} bytes = ${kb(copyBytes)}: clone-every-round allocated ${formatSpread(cloneBytes)} of that${checkSuffix(cloneBytes)}, no-clone ${formatSpread(noCloneBytes)}${checkSuffix(noCloneBytes)}`
          : !measured ? 'allocation was not measured (the server ran without instrumentation)'
          : `the copies (${kb(copyBytes)}) are too few to tell from what a request allocates anyway (tens of KB): raise --param iterations to ${formatRate(Math.ceil(VISIBLE_COPY_BYTES / ARRAY_BYTES))} or more`),
      `no-clone serves ${formatSpread(speed, times)} the req/s of clone-every-round` +
        (speed.outcome === 'disagrees' ? ' — it is clearly slower, which the copies cannot explain' : speed.min < 1 ? ' (some rounds slower: timing noise; the bytes above decide)' : ''),
      `GC per request: ${fmtMs(slow.gcMsPerRequest)} with the clone, ${fmtMs(fast.gcMsPerRequest)} without`,
    ];
    return {
      expected: {
        copyBytesPerRequest: copyBytes,
        cloneBytesOverCopies: `${CLONE_BYTES_BAND[0]}-${CLONE_BYTES_BAND[1]}`,
        noCloneBytesOverCopies: `${NO_CLONE_BYTES_BAND[0]}-${NO_CLONE_BYTES_BAND[1]}`,
        noCloneOverCloneRpsMin: NOT_SLOWER_WITHIN,
      },
      // Without the bytes the req/s guard alone cannot say the copies are gone: inconclusive.
      checks: visible ? [cloneBytes, noCloneBytes, speed] : [unjudged('bytes of the copies'), speed],
      notes,
    };
  },
};

function fmtMs(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(2)} ms`;
}
