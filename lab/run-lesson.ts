// runLesson(): one run of a lesson: check the answers, start a server per point, measure them in
// interleaved rounds, judge, record, publish the graphs. The CLI, the tests and (later) the web console call it; only
// the CLI turns its outcome into an exit code.
import os from 'node:os';
import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ALLOC_PASS, TIMING } from '../core/defaults.js';
import { HotpathError } from '../core/errors.js';
import type { DbSpec, Lesson, PlannedPoint } from '../core/lesson.js';
import { toQueryString } from '../core/params.js';
import { newRunId, relativeToRoot, resultsDir } from '../core/paths.js';
import { profilesAlloc, profilesCpu, type RunOptions } from '../core/run-options.js';
import { createDriver, thinkTimeMs } from '../loadtests/drivers.js';
import type { LoadDriver } from '../loadtests/load-driver.js';
import { TRIVIAL_PATH, variantPath } from '../server/app.js';
import { buildRecord } from './build-record.js';
import { chartsFor } from './charts.js';
import { AnswerMismatch, fetchAnswers, findBrokenPage, findMismatch } from './equivalence.js';
import { prepareDb, type PreparedDb } from './db-setup.js';
import { publishRun, runGalleryDir, writeGalleryIndex, type PublishedRun } from './gallery.js';
import { closePoint, measureRound, startPoint, unfinishedPoint, warmPoint, type OpenPoint, type OpenPointInput, type PointProfiles, type PointResult, type RunIo } from './measure-point.js';
import { summarizeRounds } from './rounds.js';
import { printHeader, printResults } from './report.js';
import { writeRunRecord, type RunRecord } from './run-record.js';
import { stopAllServers, type ProfilerName } from './server-process.js';
import { fetchSiteAnswers, findBrokenAnswer, findSiteMismatch } from './site-equivalence.js';
import { prepareSite, type PreparedSite } from './site-setup.js';
import { createRunFolder, sweepLeftovers, unmarkRunFolder } from './sweep.js';
import { Terminal } from './terminal.js';
import type { ExerciseRecordInfo } from './exercise-lesson.js';

export type { RunIo } from './measure-point.js';

/** The ceiling is only a bound for the theory: half the measured time (at least a floor) is enough. */
const ceilingDuration = (duration: number): number => Math.min(duration, Math.max(TIMING.minCeilingSec, duration / 2));

export interface RunOutcome {
  record: RunRecord;
  recordFile: string;
}

/** What an exercise check adds to a run (lab/exercise-check.ts). */
export interface RunExtras {
  /** Marks the record as an exercise check's, never a run of the lesson. */
  exercise?: ExerciseRecordInfo;
  /** Environment of every lesson server (the compiled exercise's path). */
  serverEnv?: Readonly<Record<string, string>>;
}

export async function runLesson(lesson: Lesson, options: RunOptions, io: RunIo, extras: RunExtras = {}): Promise<RunOutcome> {
  const { terminal: t } = io;
  const driver: LoadDriver = createDriver(lesson, options);
  await driver.check?.(); // a missing tool stops the run before anything is written
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  const runDir = path.join(resultsDir(lesson.id), runId);
  await sweepLeftovers();
  await mkdir(path.dirname(runDir), { recursive: true });
  await createRunFolder(runDir);
  const recordFile = path.join(runDir, 'result.json');

  const theory = lesson.theory({ params: options.params, connections: options.connections, thinkTimeMs: thinkTimeMs(options), cores: os.availableParallelism() });
  printHeader(t, lesson, options, theory.headline);
  const timeoutSec = Math.max(TIMING.minRequestTimeoutSec, Math.ceil((2 * theory.worstLatencyMs) / 1000));

  const site = lesson.site ? await prepareSite(lesson, { params: options.params, runDir, verbose: options.verbose }, io) : null;
  const upstream = site?.upstream ?? null;
  let db: PreparedDb | null = null;
  try {
    if (lesson.database) {
      db = await prepareDb(lesson, options.db ?? 'sqlite', io);
      t.line(t.paint('dim', `  database: ${db.describe}`));
    }
    if (site) await checkSiteAnswers(lesson, options, site, io);
    else await checkAnswers(lesson, options, t, db?.spec ?? null);
  } catch (error) {
    await upstream?.stop();
    await db?.stop();
    throw error;
  }
  const serverArgs = [...(site?.serverArgs ?? []), ...(db?.serverArgs ?? [])];

  const plan: PlannedPoint[] = lesson.plan?.(options.connections) ??
    lesson.variants.map((variant) => ({ label: variant.name, variant: variant.name, connections: options.connections }));
  const cpu = profilesCpu(options.profile);
  const profiler: ProfilerName | null = cpu ? '0x' : null;
  if (options.profileFrom === 'lesson' && options.quick && lesson.quickWithoutProfile && lesson.profile !== 'none' && options.profile === 'none') {
    t.line(t.paint('dim', '· no profiles in a --quick run of this lesson (its many graphs take longer than the run): run it without --quick, or pass --profile, for them'));
  }
  const query = toQueryString(options.params);
  const notes: string[] = [];
  if (cpu && !profilesCpu(lesson.profile)) {
    // Lesson 2 under `--profile cpu` came out inconclusive here: its released variants at 54–88%
    // of the law, against 87–96% unprofiled.
    notes.push(`profiled with --profile ${options.profile}: this lesson's bands were set on unprofiled servers, and the CPU profilers' cost can move req/s out of them; judge the verdict without --profile`);
  }
  if (options.driverChoice.by === 'fallback' && options.driverChoice.why !== null) notes.push(`driver: ${options.driverChoice.why}`);
  const opened: OpenPoint[] = [];
  let ceilingPoint: OpenPoint | null = null;
  const passAbort = new AbortController();
  let allocation: Promise<Map<string, AllocationProfile>> = Promise.resolve(new Map());

  const start = (point: PlannedPoint, pathWithQuery: string, pointProfiler: ProfilerName | null, pass: Partial<OpenPointInput> = {}): Promise<OpenPoint> => {
    const isCeiling = point.label === 'ceiling';
    return startPoint({
      lessonId: lesson.id,
      warmup: options.warmup,
      clinic: isCeiling ? null : options.clinic,
      verbose: options.verbose,
      io,
      driver,
      runDir,
      timeoutSec,
      point,
      pathWithQuery,
      serverArgs,
      mix: site && !isCeiling ? { paths: site.mix.map((p) => `${pathWithQuery}${p}`), revalidate: point.revalidate === true } : null,
      profiler: pointProfiler,
      windowProfile: cpu && !isCeiling ? ['cpu'] : [],
      warmupConnections: lesson.load.warmupConnections?.(point.connections) ?? point.connections,
      warmupWhy: lesson.load.warmupWhy,
      serverEnv: extras.serverEnv,
      ...pass,
    });
  };
  const roundsOf = (point: OpenPoint, only?: number): Promise<void> => measureRounds(point, options, only);

  let results: PointResult[];
  try {
    const starts: Promise<OpenPoint>[] = [];
    if (lesson.measureCeiling) {
      const baseline = lesson.variants[0]!.name;
      starts.push(start({ label: 'ceiling', variant: baseline, connections: options.connections }, TRIVIAL_PATH, null));
    }
    for (const point of plan) {
      const mount = variantPath(lesson, lesson.variants.find((v) => v.name === point.variant)!);
      // A site variant is mounted at a path and answers for the site below it: no query there.
      const pathWithQuery = site ? mount : `${mount}${query}`;
      starts.push(start(point, pathWithQuery, profiler).catch(async (error: unknown) => {
        if (profiler !== '0x' || !(error instanceof HotpathError) || error.code !== 'E_SERVER') throw error;
        notes.push(`0x could not start ${point.label} (${error.message}); fell back to node --cpu-prof`);
        return start(point, pathWithQuery, 'cpu-prof');
      }));
    }
    // Started together; a start that fails leaves the others to the catch below (stopAllServers).
    const started = await Promise.allSettled(starts);
    for (const result of started) if (result.status === 'fulfilled') opened.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    if (lesson.measureCeiling) ceilingPoint = opened[0]!;
    for (const point of opened) await warmPoint(point);
    // Interleaved: every point's round 1, then every point's round 2, … so that a slow minute of
    // this shared machine lands on all of them alike.
    for (let index = 1; index <= options.rounds; index += 1) {
      for (const point of opened) await roundsOf(point, index);
    }
    // Stopped together: 0x writes the graphs side by side, while the allocation pass runs (the
    // verdict reads nothing it measures, and 4 s of 0x's writing is most of the pass).
    const measuredPoints = opened.filter((point) => point !== ceilingPoint);
    allocation = profilesAlloc(options.profile)
      ? profileAllocation(measuredPoints, start, options, notes, { ...io, signal: AbortSignal.any([passAbort.signal, ...(io.signal ? [io.signal] : [])]) })
      : Promise.resolve(new Map<string, AllocationProfile>());
    const [closed, allocations] = await Promise.all([Promise.all(opened.map((point) => closePoint(point))), allocation]);
    results = closed;
    for (const [i, result] of results.entries()) {
      const point = opened[i]!;
      // With V8's sampler's frames, a missing 0x graph costs only its picture.
      if (point.input.profiler !== '0x' || result.record.profiler !== '0x' || result.graphHtml || result.profiles.cpu) continue;
      notes.push(`0x wrote no flame graph for ${point.input.point.label}; measured it again under node --cpu-prof for its top frames, ` +
        'after the other points: its rounds no longer ran beside theirs, so ratios with it are rounds apart in time');
      const again = await warmPoint(await start(point.input.point, point.input.pathWithQuery, 'cpu-prof'));
      await roundsOf(again);
      results[i] = await closePoint(again);
    }
    for (const result of results) {
      const found = allocations.get(result.record.name);
      if (!found) continue;
      result.profiles = { ...result.profiles, alloc: found.alloc, heap: found.heap };
      result.record.allocFrames = found.allocFrames;
      result.record.allocPass = found.allocPass;
    }
  } catch (error) {
    // The allocation pass may still be starting servers: stop it first, then everything.
    passAbort.abort();
    await allocation.catch(() => {});
    await stopAllServers(); // the upstream too
    await db?.stop();
    // Record what was measured, so the run folder (and its logs) survives the next sweep.
    const aborted = io.signal?.aborted === true;
    const why = aborted ? 'interrupted before the run finished' : `failed: ${(error as Error).message}`;
    const measured = (point: OpenPoint): boolean => point.rounds.length > 0;
    const record = buildRecord({
      lesson, options, runId, startedAt, notes: [...notes, why], status: aborted ? 'aborted' : 'failed',
      points: opened.filter((point) => point !== ceilingPoint && measured(point)).map(unfinishedPoint),
      ceiling: ceilingPoint && measured(ceilingPoint) ? unfinishedPoint(ceilingPoint) : null,
      exercise: extras.exercise,
    });
    await writeRunRecord(recordFile, record);
    await unmarkRunFolder(runDir);
    if (aborted) throw new HotpathError('E_INTERRUPTED', `interrupted; partial record in ${relativeToRoot(recordFile)}`);
    throw error;
  }

  const ceiling = ceilingPoint ? results.shift()! : null; // opened first
  await upstream?.stop();
  await db?.stop();
  const record = buildRecord({ lesson, options, runId, startedAt, points: results, ceiling, notes, status: 'complete', exercise: extras.exercise });
  // The measurement is safe on disk before anything else can fail.
  await writeRunRecord(recordFile, record);
  const gallery = await publishRunGraphs(record, lesson, results, recordFile);
  await unmarkRunFolder(runDir);
  printResults(t, lesson, record, recordFile, gallery);
  return { record, recordFile };
}

/** Measures round `only` of a point, or all its rounds; each round's share of the point's seconds. */
async function measureRounds(point: OpenPoint, options: RunOptions, only?: number): Promise<void> {
  const total = point.input.point.label === 'ceiling' ? ceilingDuration(options.duration) : options.duration;
  const indexes = only === undefined ? Array.from({ length: options.rounds }, (_, i) => i + 1) : [only];
  for (const index of indexes) {
    await measureRound(point, { index, of: options.rounds, durationSec: total / options.rounds, rampSec: TIMING.rampSec });
  }
}

/**
 * The allocation pass: after the measured rounds, each point again on a fresh server whose
 * in-process heap sampler runs over one window of load. Its figures are not the verdict's. V8's
 * optimizing compiler is told not to inline array built-ins there, so that `slice` keeps a frame of
 * its own (inlined, its bytes would be charged to the function that called it). A pass that fails
 * costs the allocation pictures, not the run.
 */
async function profileAllocation(
  measured: readonly OpenPoint[],
  start: (point: PlannedPoint, pathWithQuery: string, profiler: ProfilerName | null, pass: Partial<OpenPointInput>) => Promise<OpenPoint>,
  options: RunOptions,
  notes: string[],
  io: RunIo,
): Promise<Map<string, AllocationProfile>> {
  const t = io.terminal;
  const found = new Map<string, AllocationProfile>();
  const warmup = Math.max(1, options.warmup);
  t.line(t.paint('dim', `· allocation pass: ${measured.map((p) => p.input.point.label).join(', ')}, ${warmup} s warm-up each, then ${ALLOC_PASS.seconds} s together under V8's heap sampler (not in the figures)…`));
  // Warmed one at a time, as the rounds' servers were (warming is load too), then measured side by
  // side: where bytes are allocated does not depend on how fast. Their progress bars would
  // overwrite each other, so the pass prints one line.
  const quiet: RunIo = { ...io, terminal: new Terminal(new Writable({ write: (_chunk, _encoding, done) => done() })) };
  const pass: OpenPoint[] = [];
  try {
    // Its own label (`clone-every-round.alloc`): its logs must not mix with the measured server's,
    // still writing beside it.
    const started = await Promise.allSettled(measured.map((point) =>
      start({ ...point.input.point, label: `${point.input.point.label}${ALLOC_PASS.labelSuffix}` }, point.input.pathWithQuery, null,
        { io: quiet, windowProfile: ['alloc'], nodeFlags: ALLOC_PASS.nodeFlags, clinic: null, warmup })));
    for (const result of started) if (result.status === 'fulfilled') pass.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    for (const point of pass) await warmPoint(point);
    const window = { index: 1, of: 1, durationSec: ALLOC_PASS.seconds, rampSec: TIMING.rampSec, phase: 'allocation pass' };
    await Promise.all(pass.map((point) => measureRound(point, window)));
    // The pass must allocate as the rounds did: code V8 has not optimized yet can allocate more
    // than the rounds measured. Such a point gets another window, now warmer; the last one's
    // profile is kept.
    for (let attempt = 1; attempt < ALLOC_PASS.attempts; attempt += 1) {
      const unlike = pass.filter((point) => allocRatio(point, measured) !== null && Math.abs(allocRatio(point, measured)! - 1) > ALLOC_PASS.tolerance);
      if (unlike.length === 0) break;
      for (const point of unlike) {
        point.rounds.length = 0;
        point.windows.alloc.length = 0;
      }
      await Promise.all(unlike.map((point) => measureRound(point, window)));
    }
    for (const point of pass) {
      const ratio = allocRatio(point, measured);
      if (ratio !== null && Math.abs(ratio - 1) > ALLOC_PASS.tolerance) {
        notes.push(`the allocation pass of ${point.input.point.label.slice(0, -ALLOC_PASS.labelSuffix.length)} allocated ${ratio.toFixed(2)}x what its rounds did per request, after ${ALLOC_PASS.attempts} windows: its allocation profile shows code in another state than the one measured`);
      }
    }
    const closed = await Promise.all(pass.map((point) => closePoint(point)));
    for (const result of closed) {
      found.set(result.record.name.slice(0, -ALLOC_PASS.labelSuffix.length), {
        alloc: result.profiles.alloc,
        heap: result.profiles.heap,
        allocFrames: result.record.allocFrames,
        allocPass: { requests: result.record.requests, allocBytesPerRequest: result.record.allocBytesPerRequest },
      });
    }
    t.line(`${t.paint('green', '✓')} allocation profiles: ${closed.map((r) => `${r.record.name.slice(0, -ALLOC_PASS.labelSuffix.length)} ${r.record.requests} requests`).join(', ')}`);
  } catch (error) {
    await Promise.all(pass.map((point) => point.server.stop(TIMING.abortGraceMs)));
    if (quiet.signal?.aborted) throw error;
    notes.push(`the allocation pass failed (${(error as Error).message}): no allocation profiles in this run`);
  }
  return found;
}

/** What the allocation pass found for one point. */
interface AllocationProfile {
  alloc: PointProfiles['alloc'];
  heap: PointProfiles['heap'];
  allocFrames: PointResult['record']['allocFrames'];
  allocPass: PointResult['record']['allocPass'];
}

/** A pass point's bytes per request (its last window) over its measured rounds' median; null when either is unknown. */
function allocRatio(point: OpenPoint, measuredPoints: readonly OpenPoint[]): number | null {
  const rounds = measuredPoints.find((p) => `${p.input.point.label}${ALLOC_PASS.labelSuffix}` === point.input.point.label)?.rounds ?? [];
  const measured = summarizeRounds(rounds).allocBytesPerRequest;
  const pass = point.rounds.at(-1)?.allocBytesPerRequest;
  if (measured === null || measured === undefined || pass === null || pass === undefined || measured <= 0) return null;
  return pass / measured;
}

/**
 * Puts the run's pictures in the gallery and records where they went, then rewrites the
 * gallery's index (it reads the records on disk, so it comes last). A gallery that cannot be
 * written (a full disk, a file where a folder should be) costs the pictures, not the run: the
 * record says so and keeps its measurement. @returns the gallery index, or null when there is
 * nothing of this run to open there.
 */
async function publishRunGraphs(record: RunRecord, lesson: Lesson, points: readonly PointResult[], recordFile: string): Promise<string | null> {
  const toPublish = points.map((p) => ({ label: p.record.name, graphHtml: p.graphHtml, profiles: p.profiles }));
  const published: PublishedRun = { dir: runGalleryDir(record.lesson.id, record.runId), zeroX: new Map(), heapProfiles: new Map(), diffs: [], comparePage: null };
  const notes: string[] = [];
  const charts = chartsFor(record);
  const anything = charts.length > 0 || toPublish.some((p) => p.graphHtml || p.profiles.cpu || p.profiles.alloc);
  if (anything) {
    try {
      await publishRun(record, lesson, toPublish, charts, published);
    } catch (error) {
      const left = toPublish.filter((p) => p.graphHtml && existsSync(p.graphHtml)).map((p) => relativeToRoot(p.graphHtml as string));
      notes.push(`the profiles could not all be published to the gallery (${(error as Error).message})` +
        (left.length > 0 ? `; still in the run folder: ${left.join(', ')}` : ''));
    }
    for (const variant of record.variants) {
      const graph = published.zeroX.get(variant.name);
      const heap = published.heapProfiles.get(variant.name);
      if (graph) variant.flamegraph = relativeToRoot(graph);
      variant.allocProfile = heap ? relativeToRoot(heap) : null;
    }
    record.diffs = published.diffs.map((d) => ({ ...d, file: relativeToRoot(d.file) }));
    record.compareFlamegraphs = published.comparePage ? relativeToRoot(published.comparePage) : null;
  }
  record.comparison.notes.push(...notes);
  if (anything) await writeRunRecord(recordFile, record);
  let gallery: string | null = null;
  try {
    gallery = await writeGalleryIndex();
  } catch (error) {
    if (anything) {
      record.comparison.notes.push(`the gallery's index could not be rewritten (${(error as Error).message})`);
      await writeRunRecord(recordFile, record);
    }
  }
  return published.comparePage || published.zeroX.size > 0 ? gallery : null;
}

async function checkAnswers(lesson: Lesson, options: RunOptions, t: Terminal, db: DbSpec | null): Promise<void> {
  if (!lesson.equivalentAnswers) {
    t.line(t.paint('dim', '· calibration lesson: its variants are different endpoints, so no answers to compare'));
    return;
  }
  const answers = await fetchAnswers(lesson, options.params, db);
  const broken = findBrokenPage(lesson, answers);
  if (broken) throw new HotpathError('E_MISMATCH', `${broken.answer.variant}'s page breaks the lesson's rules: ${broken.problems.join('; ')}`);
  const mismatch = findMismatch(answers);
  if (mismatch) {
    const { baseline, other } = mismatch;
    throw new AnswerMismatch(`GET ${variantPath(lesson, lesson.variants.find((v) => v.name === other.variant)!)}${toQueryString(options.params)}`,
      { variant: baseline.variant, answer: `${baseline.status} ${baseline.body}` }, { variant: other.variant, answer: `${other.status} ${other.body}` });
  }
  const first = answers[0]!;
  if (first.status !== 200) throw new HotpathError('E_SERVER', `${first.variant} answered ${first.status} ${first.body}`);
  // A page is long: its length and the rules it passed say more than its text.
  const shown = lesson.checkAnswer ? `the same page (${first.body.length} characters, the lesson's checks passed)` : first.body;
  t.line(`${t.paint('green', '✓')} all ${answers.length} variants answer ${shown}`);
}


async function checkSiteAnswers(lesson: Lesson, options: RunOptions, site: PreparedSite, io: RunIo): Promise<void> {
  const t = io.terminal;
  const all = await fetchSiteAnswers(lesson, { params: options.params, siteDir: site.dir, upstreamUrl: site.upstreamUrl, signal: io.signal });
  const mismatch = findSiteMismatch(all);
  if (mismatch) {
    throw new AnswerMismatch(mismatch.probe, { variant: mismatch.baselineVariant, answer: mismatch.baseline }, { variant: mismatch.variant, answer: mismatch.other });
  }
  const answers = all[0]!.answers;
  // Agreeing is not enough: all of them could be wrong the same way.
  const broken = findBrokenAnswer(answers, site.mix);
  if (broken) throw new HotpathError('E_SERVER', `every variant got this wrong: ${broken}`);
  t.line(`${t.paint('green', '✓')} all ${all.length} variants answer the same ${answers.length} probes: files, short links, 304s, 400s and 404s`);
}
