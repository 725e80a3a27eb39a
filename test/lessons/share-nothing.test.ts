// Lesson 6's pieces: the page is TechEmpower's work (sorted, escaped, UTF-8 intact), each table is
// its own, a cluster's metrics add up as one process's would, and the verdict follows the cores
// this machine leaves to the server: it agrees, disagrees, or says why it cannot judge.
import { describe, expect, it } from 'vitest';
import { overallOutcome } from '../../core/checks.js';
import type { MeasuredPoint } from '../../core/lesson.js';
import { findLesson } from '../../lessons/catalog.js';
import { fortunesHtml, openTable, renderFortunes } from '../../lessons/06-share-nothing/fortunes-page.js';
import { MIN_CORES_LEFT } from '../../lessons/06-share-nothing/lesson.js';
import { mergeSnapshots } from '../../server/cluster-metrics.js';
import type { LabMetricsSnapshot } from '../../server/lab-metrics.js';

const lesson = findLesson(6)!;

describe('lesson 6: the page', () => {
  it('is the Fortunes rows plus the added one, sorted by message, escaped, repeated to `rows`', () => {
    const table = openTable();
    const html = fortunesHtml(table, 13);
    const ids = [...html.matchAll(/<tr><td>(\d+)<\/td>/g)].map((m) => Number(m[1]));
    // By message, as JavaScript compares strings: "<script>…" first, the Japanese row last.
    expect(ids).toEqual([11, 4, 5, 2, 8, 0, 3, 7, 10, 6, 9, 1, 12]); // TechEmpower's expected order
    expect(html).toContain('<td>&lt;script&gt;alert(&quot;This should not be displayed in a browser alert box.&quot;);&lt;/script&gt;</td>');
    expect(html).toContain('<td>フレームワークのベンチマーク</td>');
    expect(html).toContain('<title>Fortunes</title>');
    expect(fortunesHtml(table, 26).match(/<tr><td>/g)).toHaveLength(26);
    const page = renderFortunes(table, 13);
    expect(page).toMatchObject({ rows: 13, chars: html.length });
    expect(renderFortunes(openTable(), 13)).toEqual(page);
    // The answer follows every row: one more row is a longer page, another checksum.
    const longer = renderFortunes(table, 14);
    expect(longer.chars).toBeGreaterThan(page.chars);
    expect(longer.fnv1a).not.toBe(page.fnv1a);
  });

  it('each table is its own: what one request does to its rows never reaches another table or request', () => {
    const mine = openTable();
    const rows = mine.selectAll();
    rows[0]!.message = '<changed>';
    rows.push({ id: 99, message: 'extra' });
    expect(mine.selectAll()).toHaveLength(12);
    expect(mine.selectAll()[0]!.message).toBe('fortune: No such file or directory');
    expect(renderFortunes(mine, 100)).toEqual(renderFortunes(openTable(), 100));
  });

  it('both variants and the exercise start from the same factory body: one process against a cluster of the same code', () => {
    expect(lesson.variants.map((v) => [v.name, v.cluster === true])).toEqual([['one-process', false], ['cluster', true]]);
    expect(lesson.profile).toBe('none');
    expect(lesson.exercise?.reference).toEqual({ variant: 'cluster', file: 'fast.ts' });
  });
});

describe('lesson 6: a cluster\'s metrics', () => {
  const snapshot = (over: Partial<LabMetricsSnapshot>): LabMetricsSnapshot => ({
    instrumented: true, processes: 1, perProcess: [{ pid: 7, completed: 10 }], uptimeMs: 1000, cpu: { userMs: 100, systemMs: 10 }, gc: { count: 2, totalMs: 3 }, allocatedBytes: 1000,
    eventLoopDelayMs: { mean: 5, p50: 4, p99: 20, max: 30 }, heapUsedBytes: 10, rssBytes: 100,
    memoryPeak: { heapUsedBytes: 20, rssBytes: 200, arrayBuffersBytes: 1 }, requests: { completed: 10, inFlight: 1 }, lock: null,
    counters: { readBytes: 50 }, timeline: { intervalMs: 100, samples: [{ tMs: 0, inFlight: 1, lockQueue: null, lockWaitMs: null }] },
    ...over,
  });

  it('sums what adds up, keeps the worst loop delay, and adds the primary\'s CPU', () => {
    const merged = mergeSnapshots([
      snapshot({}),
      snapshot({ perProcess: [{ pid: 5, completed: 10 }], cpu: { userMs: 300, systemMs: 30 }, eventLoopDelayMs: { mean: 7, p50: 6, p99: 40, max: 45 }, counters: { readBytes: 5, poolMisses: 2 } }),
    ], { uptimeMs: 5000, cpu: { userMs: 1, systemMs: 2 } });
    expect(merged.processes).toBe(2);
    expect(merged.perProcess).toEqual([{ pid: 5, completed: 10 }, { pid: 7, completed: 10 }]);
    expect(merged.uptimeMs).toBe(5000);
    expect(merged.cpu).toEqual({ userMs: 401, systemMs: 42 });
    expect(merged.requests).toEqual({ completed: 20, inFlight: 2 });
    expect(merged.allocatedBytes).toBe(2000);
    expect(merged.eventLoopDelayMs).toEqual({ mean: 6, p50: 6, p99: 40, max: 45 });
    expect(merged.memoryPeak).toEqual({ heapUsedBytes: 40, rssBytes: 400, arrayBuffersBytes: 2 });
    expect(merged.counters).toEqual({ readBytes: 55, poolMisses: 2 });
    expect(merged.timeline?.samples).toEqual([{ tMs: 0, inFlight: 2, lockQueue: null, lockWaitMs: null }]);
  });

  it('is not instrumented when a worker is not, and refuses no workers', () => {
    expect(mergeSnapshots([snapshot({}), snapshot({ instrumented: false, allocatedBytes: null, eventLoopDelayMs: null })], { uptimeMs: 1, cpu: { userMs: 0, systemMs: 0 } }))
      .toMatchObject({ instrumented: false, allocatedBytes: null, eventLoopDelayMs: null });
    expect(() => mergeSnapshots([], { uptimeMs: 1, cpu: { userMs: 0, systemMs: 0 } })).toThrow(/at least one worker/);
  });
});

describe('lesson 6: verdict', () => {
  const base = { latencyMs: { p50: 1, p90: 1, p99: 1, max: 1 }, gcMsPerRequest: 0.1, allocBytesPerRequest: 1000, lockWait: null, bytesPerSec: 0, workPerRequest: {}, memory: null, eventLoopDelayMs: null };
  const point = (variant: string, rps: number[], options: { processes?: number; generatorCpuPct?: number; cpuMsPerRequest?: number } = {}): MeasuredPoint => {
    const cpuMs = options.cpuMsPerRequest ?? 8;
    const rounds = rps.map((r) => ({ ...base, rps: r, cpuMsPerRequest: cpuMs, serverCpuPct: (r * cpuMs) / 10, generatorCpuPct: options.generatorCpuPct ?? 9, processes: options.processes ?? 1 }));
    return { ...rounds[0]!, label: variant, variant, connections: 8, rounds, spread: { rpsMin: Math.min(...rps), rpsMax: Math.max(...rps) } };
  };
  const judge = (one: MeasuredPoint, cluster: MeasuredPoint, cores: number) => {
    const verdict = lesson.verdict({ params: { rows: 10_000 }, connections: 8, thinkTimeMs: 0, cores, ceiling: null, points: [one, cluster] });
    return { ...verdict, outcome: overallOutcome(verdict.checks) };
  };

  it('agrees when two workers on two cores serve nearly twice as much, for the same CPU per request', () => {
    const verdict = judge(point('one-process', [120, 118, 125]), point('cluster', [215, 220, 205], { processes: 2 }), 2);
    expect(verdict.outcome).toBe('agrees');
    expect(verdict.expected).toMatchObject({ cores: 2, workers: 2, generatorCores: 0.09, coresLeft: 1.91, speedupAtMost: 1.91 });
    expect(verdict.notes.join('\n')).toMatch(/cores kept busy: the cluster 1\.\d\dx .* for at most 1\.91x/);
  });

  it('explains req/s above the cores\' bound: the one process ran slower, not the cluster faster than theory', () => {
    const verdict = judge(point('one-process', [120, 118, 121]), point('cluster', [290, 285, 288], { processes: 2, cpuMsPerRequest: 6.5 }), 2);
    expect(verdict.outcome).toBe('agrees');
    expect(verdict.notes[1]).toMatch(/theory: at most 1\.91x.*; above it because this run's one process spent more CPU per request \(the cluster's 0\.81x of it\)/);
  });

  it('disagrees when the "cluster" keeps no more cores busy than one process (its workers did not share the load)', () => {
    const verdict = judge(point('one-process', [120, 118, 125]), point('cluster', [121, 119, 124], { processes: 2 }), 2);
    expect(verdict.outcome).toBe('disagrees');
    expect(verdict.checks.map((c) => [c.name, c.outcome])).toEqual([['cores kept busy', 'disagrees'], ['cluster req/s', 'disagrees'], ['CPU per request', 'agrees']]);
  });

  it('disagrees when the cluster keeps the cores busy but serves no more (req/s guards)', () => {
    const verdict = judge(point('one-process', [120, 118, 125]), point('cluster', [125, 122, 130], { processes: 2, cpuMsPerRequest: 14 }), 2);
    expect(verdict.checks.find((c) => c.name === 'cluster req/s')?.outcome).toBe('disagrees');
    expect(verdict.outcome).toBe('disagrees');
  });

  it('is inconclusive when one round\'s connections fell on one worker and the others\' did not', () => {
    const cluster = point('cluster', [215, 220, 118], { processes: 2 });
    cluster.rounds[2] = { ...cluster.rounds[2]!, processShares: [0.97, 0.03] };
    const verdict = judge(point('one-process', [120, 118, 121]), cluster, 2);
    expect(verdict.outcome).toBe('inconclusive');
    expect(verdict.notes.join('\n')).toMatch(/in 1 round one worker served over 65%/);
  });

  it('names the rounds in which other processes or the hypervisor took the CPU the cluster needed', () => {
    const cluster = point('cluster', [215, 220, 118], { processes: 2 });
    cluster.rounds = cluster.rounds.map((r) => ({ ...r, machineCpuPct: { busy: r.serverCpuPct + r.generatorCpuPct + 2, steal: 0 } }));
    cluster.rounds[2] = { ...cluster.rounds[2]!, machineCpuPct: { busy: 199, steal: 3 } }; // 94% served, 9% generator: 96% was someone else's
    const notes = judge(point('one-process', [120, 118, 121]), cluster, 2).notes.join('\n');
    expect(notes).toMatch(/this machine was busy with other work \(% of a core\): cluster round 3: other processes 96%, steal 3%\./);
    expect(notes).not.toMatch(/cluster round 1/);
  });

  it('disagrees when the cluster spends far more CPU per request than one process', () => {
    const verdict = judge(point('one-process', [120, 118, 125]), point('cluster', [215, 220, 205], { processes: 2, cpuMsPerRequest: 14 }), 2);
    expect(verdict.outcome).toBe('disagrees');
    expect(verdict.checks.find((c) => c.name === 'CPU per request')?.outcome).toBe('disagrees');
  });

  it('is inconclusive, and says why, on one core or when the generator leaves too little', () => {
    const oneCore = judge(point('one-process', [120]), point('cluster', [118], { processes: 1 }), 1);
    expect(oneCore.outcome).toBe('inconclusive');
    expect(oneCore.notes[0]).toMatch(/not judged: this machine gives Node 1 core/);
    expect(oneCore.checks.find((c) => c.name === 'cluster req/s')?.band[0]).toBe(Number.NEGATIVE_INFINITY); // nothing to guard on one core
    const busyGenerator = judge(point('one-process', [120]), point('cluster', [150], { processes: 2, generatorCpuPct: 60 }), 2);
    expect(busyGenerator.outcome).toBe('inconclusive');
    expect(busyGenerator.notes[0]).toMatch(new RegExp(`took 0\\.60 of this machine's 2 cores, leaving the server 1\\.40: less than the ${MIN_CORES_LEFT}`));
  });

  it('on a bigger machine expects more: eight workers on eight cores are held to more than 4x', () => {
    const verdict = judge(point('one-process', [120, 118, 125]), point('cluster', [250, 240, 260], { processes: 8 }), 8);
    expect(verdict.outcome).toBe('disagrees');
    expect(Number(String(verdict.expected.coresBand).split('-')[0])).toBeGreaterThan(4);
  });
});
