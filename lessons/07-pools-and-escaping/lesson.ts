import { checkSuffix, formatSpread, judgeCheck, pairRounds, roundsOf, type JudgedCheck } from '../../core/checks.js';
import { formatBytes, formatRate } from '../../core/format.js';
import type { Lesson, MeasuredPoint, Verdict } from '../../core/lesson.js';
import { FORTUNES } from '../support/fortunes.js';
import { allocOnePass } from './alloc-one-pass.js';
import { pooledOnePass } from './fast.js';
import { pooledChained } from './pooled-chained.js';
import { allocChained } from './slow.js';

/**
 * Bytes of one pooled row on 64-bit V8 (Node 20 x64, no pointer compression): an object of three
 * in-object fields is 6 words (map, properties, elements, id, message, html), plus its word in the
 * page's array. Pooling saves these per row and request.
 */
const SLOT_BYTES = (6 + 1) * 8;
/**
 * What one `String.prototype.replace` with a global regex allocates when it finds nothing: 56
 * bytes in this V8, measured (test/lessons/pools-and-escaping.test.ts asserts it, so that a new V8
 * that changes it fails there first). Five chained calls per message pay it five times;
 * escape-html, which scans once and returns a message with nothing to escape as it is, pays nothing.
 */
export const REPLACE_CALL_BYTES = 56;
/** Passes of the chained escape, one per character it replaces. */
const PASSES = 5;
/**
 * Per 13 rows, the strings the chained escape makes and then drops: the <script> row gains its
 * entities in three passes (<, > and "), leaving two intermediate strings of 85 and 91 one-byte
 * characters: (16 + 88) + (16 + 96) bytes with their headers, rounded to 8.
 */
const INTERMEDIATE_BYTES_PER_CYCLE = 104 + 112;
/** Rows in one cycle of the page: the 12 fortunes and the added one. */
const CYCLE = FORTUNES.length + 1;
/** The predicted savings, measured against: both were within 1% of theory here; 15% and 10% margins. */
const POOL_BAND = [0.85, 1.15] as const;
const ESCAPE_BAND = [0.9, 1.1] as const;
/** One-pass escaping is "clearly slower" only below this share of chained escaping's req/s in every round. */
const NOT_SLOWER_WITHIN = 0.9;

export const lesson: Lesson = {
  id: 7,
  slug: '07-pools-and-escaping',
  title: 'Pools and escaping',
  story: { id: '003', figures: 'Actix: 128 pooled request objects per thread, SIMD HTML escaping; first in TechEmpower Fortunes, round 18' },
  watch: [
    'alloc KB/req: what a page of row objects costs, and what five passes of replace leave behind',
    'which of the two changes moves bytes, and which moves req/s',
  ],
  params: [
    { name: 'rows', description: 'fortunes rendered per page (TechEmpower\'s 13, repeated)', default: 2000, min: 1, max: 100_000 },
  ],
  variants: [
    { name: 'alloc-chained', summary: 'a new page per request, five chained replace calls per message', create: allocChained },
    { name: 'pooled-chained', summary: 'a pooled page (checked in by finally), chained replace', create: pooledChained },
    { name: 'alloc-one-pass', summary: 'a new page per request, one-pass escaping (escape-html)', create: allocOnePass },
    { name: 'pooled-one-pass', summary: 'a pooled page and one-pass escaping (the story\'s two ideas)', create: pooledOnePass },
  ],
  load: { connections: 10, duration: 8, warmup: 2 },
  teaches: 'allocation',
  profile: 'alloc',
  measureCeiling: false,
  equivalentAnswers: true,
  exercise: {
    reference: { variant: 'pooled-one-pass', file: 'fast.ts' },
    figure: 'allocBytes',
    // Bytes, not time: V8 counts them, the same to 0.2% round after round. At the default 2,000
    // rows the reference allocates 1.88x fewer bytes than alloc-chained, one-pass escaping alone
    // 1.65x, the pool alone 1.08x, and alloc-chained against itself 1.00x: 1.4x passes the change
    // that matters here, with or without the pool, and nothing that leaves five replace calls.
    threshold: 1.4,
    hints: [
      'Read alloc KB/req for the four variants, and the top allocating frames: which frames differ between alloc-chained and the others?',
      'A `replace` with a global regex allocates even when it finds nothing, and five of them run for every message, most of which have nothing to escape. The row objects of a page are the smaller part.',
      'Escape in one pass: escape-html (already a dependency) returns a message with nothing to escape as it is. For the rest, take the page from a pool (pool.ts, POOL_SIZE) and check it back in a `finally`.',
    ],
  },
  theory: ({ params }) => {
    const rows = params.rows as number;
    return {
      headline: `every variant renders ${rows} rows; a pool saves ${formatBytes(poolSaving(rows))} a request (${SLOT_BYTES} B a row), ` +
        `one-pass escaping ${formatBytes(escapeSaving(rows))} (${PASSES} replace calls of ${REPLACE_CALL_BYTES} B a message, and the strings between them)`,
      worstLatencyMs: 1000,
    };
  },
  verdict: ({ params, points }): Verdict => {
    const rows = params.rows as number;
    const find = (name: string): MeasuredPoint | undefined => points.find((p) => p.variant === name);
    const [allocChained, pooledChained, allocOnePass, pooledOnePass] = ['alloc-chained', 'pooled-chained', 'alloc-one-pass', 'pooled-one-pass'].map(find);
    if (!allocChained || !pooledChained || !allocOnePass || !pooledOnePass) {
      return { expected: {}, checks: [judgeCheck({ name: 'all four variants', values: [], band: [0, 0] })], notes: ['all four variants must be measured'] };
    }
    // Bytes saved, round by round (the pair ran side by side), over what theory says they save.
    const saved = (name: string, from: MeasuredPoint, to: MeasuredPoint, predicted: number, band: readonly [number, number]): JudgedCheck =>
      judgeCheck({ name, values: pairRounds(roundsOf(from), roundsOf(to), (a, b) => (a.allocBytesPerRequest === null || b.allocBytesPerRequest === null ? null : (a.allocBytesPerRequest - b.allocBytesPerRequest) / predicted)), band });
    const checks = [
      saved('pool, chained escaping', allocChained, pooledChained, poolSaving(rows), POOL_BAND),
      saved('pool, one-pass escaping', allocOnePass, pooledOnePass, poolSaving(rows), POOL_BAND),
      saved('one pass, allocated pages', allocChained, allocOnePass, escapeSaving(rows), ESCAPE_BAND),
      saved('one pass, pooled pages', pooledChained, pooledOnePass, escapeSaving(rows), ESCAPE_BAND),
    ];
    const speed = (name: string, fast: MeasuredPoint, slow: MeasuredPoint, guard: boolean): JudgedCheck =>
      judgeCheck({ name, values: pairRounds(roundsOf(fast), roundsOf(slow), (f, s_) => (s_.rps > 0 ? f.rps / s_.rps : null)), band: [guard ? NOT_SLOWER_WITHIN : Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY], guard: true });
    const escapeSpeed = speed('one pass req/s', allocOnePass, allocChained, true);
    const poolSpeed = speed('pool req/s', pooledChained, allocChained, false);
    const kb = (point: MeasuredPoint): string => (point.allocBytesPerRequest === null ? 'n/a' : `${formatRate(point.allocBytesPerRequest / 1024)} KB`);
    const times = (value: number): string => `${value.toFixed(2)}x`;
    const notes = [
      `allocated per request: alloc-chained ${kb(allocChained)}, pooled-chained ${kb(pooledChained)}, alloc-one-pass ${kb(allocOnePass)}, pooled-one-pass ${kb(pooledOnePass)}`,
      ...checks.map((check) => `${check.name}: saved ${formatSpread(check)} of the ${formatBytes(check.name.startsWith('pool') ? poolSaving(rows) : escapeSaving(rows))} theory predicts${checkSuffix(check)}`),
      `req/s: one-pass escaping ${formatSpread(escapeSpeed, times)} chained escaping's${escapeSpeed.outcome === 'disagrees' ? ' — clearly slower, which fewer passes cannot explain' : ''}; ` +
        `the pool ${formatSpread(poolSpeed, times)} a page allocated per request (young objects are cheap in V8: a pool saves bytes, rarely time)`,
    ];
    return {
      expected: { poolSavingBytes: poolSaving(rows), escapeSavingBytes: escapeSaving(rows), poolBand: POOL_BAND.join('-'), escapeBand: ESCAPE_BAND.join('-') },
      checks: [...checks, escapeSpeed],
      notes,
    };
  },
};

/** Bytes a pool saves per request: the page's row objects and their array slots. */
function poolSaving(rows: number): number {
  return rows * SLOT_BYTES;
}

/** Bytes one-pass escaping saves per request: five replace calls per message, and the chained escape's intermediate strings. */
function escapeSaving(rows: number): number {
  return rows * PASSES * REPLACE_CALL_BYTES + (rows / CYCLE) * INTERMEDIATE_BYTES_PER_CYCLE;
}
