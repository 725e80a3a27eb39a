import { formatMbps } from '../../core/format.js';
import type { Lesson, MeasuredPoint, PlannedPoint, Verdict } from '../../core/lesson.js';
import { checkSuffix, formatSpread, judgeCheck, pairRounds, perRound, roundsOf, type JudgedCheck } from '../../core/checks.js';
import { fractionOf } from '../../core/theory.js';
import { SITE_FILES, siteBytes } from '../support/site/site-layout.js';
import { streamStatEtag } from './fast.js';
import { expressStatic } from './library.js';
import { readFileSha1 } from './slow.js';

const SLOW = 'readfile-sha1';
const FAST = 'stream-stat-etag';
const LIBRARY = 'express-static';
/** Suffix of the points whose requests carry If-None-Match, like a browser with a warm cache. */
const WARM = '@warm';

/** Mean bytes per request over the mix: what the slow variant reads and hashes each time. */
const MEAN_FILE_BYTES = siteBytes() / SITE_FILES.length;
/**
 * Cold fetches, in Node, streaming is no clear win. At one connection each request is served
 * alone: readFile is one read and one socket write, a stream one of each per 64 KB chunk (three
 * for the mean file here), and both allocate the same bytes outside the JS heap; the SHA-1 (about
 * 1 GB/s) roughly pays for the extra chunks. So expect stream/readFile not above a tie, not far
 * below. With two or more in flight (wrk's default here) the main thread is what they share: one
 * request's file is read in the thread pool while another is sent, and the stream also spares the
 * main thread the hash. Expect a tie again, now leaning the stream's way.
 */
function coldBand(connections: number): readonly [number, number] {
  // At 2 connections under wrk the medians centre near 1.1x (0.76x–1.24x over 7 runs here). A
  // round strays from its median by ±17% unprofiled (two servers of readfile-sha1 against each
  // other, `npm run bench -- --only aa --lessons 5`) and by about ±35% under 0x (rounds of 0.65x
  // to 1.46x in 4 default runs): 1.1x with that room either side.
  return connections === 1 ? [0.6, 1.1] : [0.7, 1.5];
}
// Both req/s ratios only guard (disagree when every round is outside): at one connection both
// sides are CPU-bound, and a tie reads 0.88x–1.12x a round here (A/A: two servers of
// readfile-sha1, `npm run bench -- --only aa`); over 25 runs the cold ratio ranged 0.71x–1.20x,
// centred near 0.94x. The verdict is decided by the work the server counts (bytes hashed, files
// opened), which is exact.
/**
 * Warm cache: a 304 after one stat() against a whole read and hash; at least this ratio. It only
 * guards (disagrees when every round is below it): at one connection both are CPU-bound, and
 * their rounds swung from 1.64x to 4.17x over 15 runs here, as CPU-bound rates do on this machine
 * (lesson 1's A/A). What decides is the work counted without timing noise: the file opened and
 * hashed for every 304 by the slow variant, and no file opened by the fast one.
 */
const WARM_RATIO_MIN = 2;
/** express.static counts as "as good as" the hand-written fast path within this margin. */
const AS_GOOD_WITHIN = 0.1;

export const lesson: Lesson = {
  id: 5,
  slug: '05-whole-files',
  title: 'Whole files, whole hashes',
  story: { id: '002', figures: 'gosherve after dropping fs.ReadFile and whole-file SHA-1 ETags: 587 MB/s on 1 vCPU, 1.3 GB/s on 2 (k6)' },
  watch: [
    'MB/s with a cold cache: every request gets the whole file',
    'hashed KB/req and the memory peaks: the whole file in a buffer, per request in flight',
    'the @warm rows: the same requests with If-None-Match, answered 304 — and what each variant still does for a 304',
  ],
  params: [],
  variants: [
    { name: SLOW, summary: 'readFile the whole file, SHA-1 its contents for the ETag (the story\'s first version)', serve: readFileSha1 },
    { name: FAST, summary: 'stat, ETag from name+size+mtime, 304 or stream (the story\'s fix)', serve: streamStatEtag },
    { name: LIBRARY, summary: 'express.static: the library does the same, with a weak size-mtime ETag', serve: expressStatic },
  ],
  site: {
    mix: () => SITE_FILES.map((file) => file.path),
    counters: [
      { name: 'bytesHashed', title: 'hashed KB/req', scale: 1 / 1024, decimals: 1 },
      // express.static is not instrumented: its column stays empty.
      { name: 'filesOpened', title: 'opens/req', decimals: 2 },
    ],
  },
  // With autocannon, one connection, as the story's 1-vCPU test: with more, its byte rate (about
  // 30 MB/s for three quarters of a core here), not the server, sets the cold numbers.
  // Six points in 3 rounds each, under 0x: 6 s and a 1 s warm-up per point keep the default run
  // within its 90 s (8 s and 2 s took 92 s here).
  // With wrk (picked when installed), two connections: one file is read in the thread pool while
  // the other is sent, and the server's main thread, not the client, sets the MB/s; wrk uses about
  // a quarter of a core for it. Four moved no more bytes here (see the README).
  load: { connections: 1, duration: 6, warmup: 1, preferredDriver: { driver: 'wrk', connections: 2, why: 'cold points move over 100 MB/s, and autocannon spends three quarters of a core reading 30' } },
  profile: 'cpu',
  quickWithoutProfile: true,
  // Warm first: there the slow variant still reads and hashes every byte the fast one skips.
  diffPairs: [
    { subject: SLOW + WARM, baseline: FAST + WARM },
    { subject: SLOW, baseline: FAST },
  ],
  measureCeiling: false,
  equivalentAnswers: true,
  exercise: {
    reference: { variant: FAST, file: 'fast.ts' },
    figure: 'readBytes',
    // Bytes, not time: the kernel counts what the server process reads (files and sockets). Measured
    // here (warm requests, 6 checks of 3 rounds, 2026-11-28): the reference reads 864–931x fewer
    // bytes per revalidation than readfile-sha1 (about 180 bytes, its request, against 154 KB);
    // readfile-sha1 against itself (A/A) 0.99–1.01x. Any handler that still reads the file for a
    // 304 stays near 1x; one that does not passes by far.
    threshold: 10,
    hints: [
      'Compare the read KB/req column of the @warm rows: for a 304 the browser already has the bytes. What does the handler read, and what for?',
      'An ETag only has to change when the file does. The file\'s size and modification time, which one stat() gives, say that without reading a byte of it.',
      '`statSiteFile` already returns the stats: build the ETag from name, size and mtime (`metadataEtag` in support/site/serve-file.ts), answer 304 before reading, and read the file only for a 200.',
    ],
    // Revalidations only: cold, every variant reads the whole file, and that is the right answer.
    plan: (connections, names) => [names.slow, names.reference, names.exercise].map((variant) => ({ label: `${variant}${WARM}`, variant, connections, revalidate: true })),
  },
  plan: (connections) => {
    const names = [SLOW, FAST, LIBRARY];
    const cold: PlannedPoint[] = names.map((name) => ({ label: name, variant: name, connections }));
    const warm: PlannedPoint[] = names.map((name) => ({ label: `${name}${WARM}`, variant: name, connections, revalidate: true }));
    return [...cold, ...warm];
  },
  theory: ({ connections }) => ({
    headline:
      `readfile-sha1 reads and hashes every byte it serves (${Math.round(MEAN_FILE_BYTES / 1024)} KB per request on this site's mix) and holds each file in a buffer; ` +
      'stream-stat-etag hashes a few dozen bytes and streams 64 KB chunks. ' +
      (connections === 1
        ? 'Cold, one request at a time: no win for streaming in Node (more reads and writes per file, the same bytes allocated outside the JS heap). '
        : `Cold, ${connections} requests in flight: about a tie (${coldBand(connections).join('x–')}x), the stream spared the hash, readFile the extra chunks. `) +
      `Warm (If-None-Match): the fast variants answer 304 after one stat(), the slow one still reads and hashes the file: ≥ ${WARM_RATIO_MIN}x`,
    // A 1 MB file read and hashed per queued connection, at a pessimistic 50 MB/s.
    worstLatencyMs: connections * 20,
  }),
  // One speedup would say 0.9x or 1x: the win is warm (304s), and cold is a tie, as theory says.
  headline: (points) => {
    const rps = (label: string): number | null => points.find((p) => p.label === label)?.rps ?? null;
    const ratio = (a: number | null, b: number | null): string => (a !== null && b !== null && b > 0 ? `${(a / b).toFixed(2)}x` : '–');
    const cold = ratio(rps(FAST), rps(SLOW));
    const band = coldBand(points[0]?.connections ?? 1);
    const inBand = cold !== '–' && Number.parseFloat(cold) >= band[0] && Number.parseFloat(cold) <= band[1];
    return `warm ${ratio(rps(FAST + WARM), rps(SLOW + WARM))} (the win: 304s) · cold ${cold} (${inBand ? 'no clear win, as theory says' : 'theory expects about a tie'}) — ${FAST} over ${SLOW}`;
  },
  verdict: ({ points }): Verdict => {
    const find = (label: string): MeasuredPoint | undefined => points.find((p) => p.label === label);
    const slow = find(SLOW);
    const fast = find(FAST);
    const library = find(LIBRARY);
    const slowWarm = find(SLOW + WARM);
    const fastWarm = find(FAST + WARM);
    const libraryWarm = find(LIBRARY + WARM);
    if (!slow || !fast || !library || !slowWarm || !fastWarm || !libraryWarm) {
      return { expected: {}, checks: [judgeCheck({ name: 'all points', values: [], band: [0, 0] })], notes: ['all six points (three variants, cold and warm) must be measured'] };
    }
    const ratioCheck = (name: string, a: MeasuredPoint, b: MeasuredPoint, band: readonly [number, number], guard = false): JudgedCheck =>
      judgeCheck({ name, values: pairRounds(roundsOf(a), roundsOf(b), (x, y) => (y.rps > 0 ? x.rps / y.rps : null)), band, guard });
    const band = coldBand(slow.connections);
    const cold = ratioCheck('cold', fast, slow, band, true);
    const warm = ratioCheck('warm', fastWarm, slowWarm, [WARM_RATIO_MIN, Number.POSITIVE_INFINITY], true);
    // Counted work, no timing noise. The slow variant hashes the whole file whether it sends it
    // or answers 304; a 304 costs it a whole file and the fast one none: it answers from stat().
    const hashed = (point: MeasuredPoint): number[] => perRound(point, (r) => (r.workPerRequest.bytesHashed ?? 0) / MEAN_FILE_BYTES);
    const hash = judgeCheck({ name: 'bytes hashed', values: [...hashed(slow), ...hashed(slowWarm)], band: [0.9, 1.1] });
    const opensSlow = judgeCheck({ name: `${SLOW} files opened per 304`, values: perRound(slowWarm, (r) => r.workPerRequest.filesOpened ?? 0), band: [0.99, 1.01] });
    const opensFast = judgeCheck({ name: `${FAST} files opened per 304`, values: perRound(fastWarm, (r) => r.workPerRequest.filesOpened ?? 0), band: [0, 0.01] });
    const hashedSlow = slow.workPerRequest.bytesHashed ?? 0;
    const hashedSlowWarm = slowWarm.workPerRequest.bytesHashed ?? 0;
    const times = (value: number): string => `${value.toFixed(2)}x`;
    const two = (value: number): string => value.toFixed(2);
    const notes = [
      `cold: ${FAST} serves ${formatSpread(cold, times)} the req/s of ${SLOW} (${formatMbps(fast.bytesPerSec, 0)} vs ${formatMbps(slow.bytesPerSec, 0)}; cpu ${cpu(fast)} vs ${cpu(slow)} per request)` +
        (cold.outcome === 'agrees' ? ': no clear cold win for streaming, as theory says for Node'
          : cold.outcome === 'inconclusive' ? `: about a tie, some rounds outside ${band[0]}x–${band[1]}x (timing noise; the counted work below decides)` : checkSuffix(cold, times)),
      `warm (If-None-Match → 304): ${FAST} serves ${formatSpread(warm, times)} the req/s of ${SLOW}` +
        (warm.outcome === 'inconclusive' ? ` (some rounds under ${WARM_RATIO_MIN}x: timing noise; the files opened and bytes hashed below decide)` : checkSuffix(warm, times)),
      `${SLOW} hashed ${kb(hashedSlow)} per request cold and ${kb(hashedSlowWarm)} per 304 (the mix averages ${kb(MEAN_FILE_BYTES)})` + (hash.outcome === 'agrees' ? '' : ' — expected the whole file every time'),
      `files opened per 304: ${formatSpread(opensSlow, two)} by ${SLOW}, ${formatSpread(opensFast, two)} by ${FAST}` +
        (opensSlow.outcome === 'agrees' && opensFast.outcome === 'agrees' ? '' : ' — expected 1 and 0'),
      `memory peaks, cold: ${memory(slow)} for ${SLOW}, ${memory(fast)} for ${FAST}; warm: ${memory(slowWarm)} vs ${memory(fastWarm)}`,
      `allocated in the JS heap per request, cold: ${heapKb(slow)} for ${SLOW}, ${heapKb(fast)} for ${FAST}, ${heapKb(library)} for ${LIBRARY}; warm: ${heapKb(slowWarm)} vs ${heapKb(fastWarm)} (file contents sit in buffers outside it)`,
      `GC per request, cold: ${gc(slow)} for ${SLOW}, ${gc(fast)} for ${FAST}, ${gc(library)} for ${LIBRARY}`,
      libraryNote(fast, library, 'cold'),
      libraryNote(fastWarm, libraryWarm, 'warm'),
    ];
    return {
      expected: {
        coldFastOverSlow: `${band[0]}-${band[1]}`,
        warmFastOverSlowMin: WARM_RATIO_MIN,
        slowBytesHashedPerRequest: Math.round(MEAN_FILE_BYTES),
        filesOpenedPer304: `${SLOW} 1, ${FAST} 0`,
      },
      checks: [cold, warm, hash, opensSlow, opensFast],
      notes,
    };
  },
};

function libraryNote(fast: MeasuredPoint, library: MeasuredPoint, kind: string): string {
  const share = fractionOf(library.rps, fast.rps);
  if (share === null) return `${kind}: ${LIBRARY} not comparable`;
  if (Math.abs(share - 1) <= AS_GOOD_WITHIN) return `${kind}: ${LIBRARY} is as good as the hand-written fast path (${ratio(share)} its req/s): use the library`;
  return `${kind}: ${LIBRARY} serves ${ratio(share)} the req/s of the hand-written fast path`;
}

function ratio(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(2)}x`;
}

function kb(bytes: number): string {
  return `${Math.round(bytes / 1024)} KB`;
}

function memory(point: MeasuredPoint): string {
  return point.memory ? `${point.memory.rssMb.toFixed(0)} MiB RSS, ${point.memory.heapUsedMb.toFixed(0)} MiB heap, ${point.memory.arrayBuffersMb.toFixed(1)} MiB in buffers` : 'n/a';
}

function cpu(point: MeasuredPoint): string {
  return point.cpuMsPerRequest === null ? 'n/a' : `${point.cpuMsPerRequest.toFixed(2)} ms`;
}

function heapKb(point: MeasuredPoint): string {
  return point.allocBytesPerRequest === null ? 'n/a' : `${(point.allocBytesPerRequest / 1024).toFixed(0)} KB`;
}

function gc(point: MeasuredPoint): string {
  return point.gcMsPerRequest === null ? 'n/a' : `${point.gcMsPerRequest.toFixed(3)} ms`;
}
