// The charts are drawn from a record alone: what they draw, and when they draw nothing.
import { describe, expect, it } from 'vitest';
import { chartsFor, coresChart, lawChart, lockChart } from '../../lab/charts.js';
import type { RunRecord } from '../../lab/run-record.js';

type Variant = RunRecord['variants'][number];

function variant(name: string, kind: string, connections: number, rps: number, timeline: Variant['rounds'][number]['timeline'] = null): Variant {
  return { name, variant: kind, connections, rps, spread: { rpsMin: rps * 0.9, rpsMax: rps * 1.1 }, rounds: [{ timeline }] } as unknown as Variant;
}

function record(fields: Partial<RunRecord>): RunRecord {
  return { params: {}, driver: 'autocannon', options: { locustUser: null }, ceiling: null, variants: [], ...fields } as unknown as RunRecord;
}

const lessonOne = record({
  params: { sleepMs: 50 },
  ceiling: { rps: 6000, connections: 1000, setBy: 'server' } as RunRecord['ceiling'],
  variants: [variant('sleep@1', 'sleep', 1, 19.9), variant('sleep@10', 'sleep', 10, 190), variant('sleep@1000', 'sleep', 1000, 5800), variant('trivial@1000', 'trivial', 1000, 6000)],
});

describe('lesson 1\'s chart', () => {
  it('draws each sleep point, the law and the ceiling, and where they meet', () => {
    const chart = lawChart(lessonOne)!;
    expect(chart.svg.match(/<circle /g)).toHaveLength(3); // the sleep points only
    expect(chart.svg).toContain('class="law"');
    expect(chart.svg).toContain('ceiling 6,000 req/s');
    expect(chart.svg).toContain('they meet at 300'); // 6000 req/s × 50 ms
    expect(chart.caption).toMatch(/Below 300 connections the law bounds the rate/);
  });

  it('draws nothing without a ceiling or a sleepMs', () => {
    expect(lawChart(record({ ...lessonOne, ceiling: null }))).toBeNull();
    expect(lawChart(record({ ...lessonOne, params: {} }))).toBeNull();
  });
});

describe('the lock chart', () => {
  const samples = (queue: number | null, wait: number | null) => ({ intervalMs: 100, samples: [0, 100, 200].map((tMs) => ({ tMs, inFlight: 1, lockQueue: queue, lockWaitMs: wait })) });

  it('draws a queue line and a wait line per variant that took a lock', () => {
    const chart = lockChart(record({ variants: [variant('held', 'held', 100, 20, samples(99, 900)), variant('early', 'early', 100, 1900, samples(0, 0.1))] }))!;
    expect(chart.svg.match(/<path /g)).toHaveLength(4);
    expect(chart.svg).toContain('>held<');
    expect(chart.caption).toMatch(/every 100 ms/);
  });

  it('draws nothing when no variant queued for its lock (lesson 3\'s read lock), or none took one', () => {
    expect(lockChart(record({ variants: [variant('clone', 'clone', 1, 10, samples(1, 0.1)), variant('no-clone', 'no-clone', 1, 20, samples(0, 0.1))] }))).toBeNull();
    expect(lockChart(record({ variants: [variant('a', 'a', 1, 10, samples(null, null))] }))).toBeNull();
    expect(chartsFor(record({ variants: [variant('a', 'a', 1, 10)] }))).toEqual([]);
  });
});

describe('lesson 6\'s chart: where the CPU went', () => {
  const round = (server: number, generator: number, busy: number | null) =>
    ({ serverCpuPct: server, generatorCpuPct: generator, machineCpuPct: busy === null ? null : { busy, steal: 0 } });
  const point = (name: string, processes: number, rounds: ReturnType<typeof round>[]) => ({ name, variant: name, processes, rounds } as unknown as Variant);

  it('stacks the server, the generator and the rest of the machine per round, against the machine\'s cores', () => {
    const chart = coresChart(record({
      machine: { cpus: 2, node: 'v20', platform: 'linux x64' },
      variants: [point('one-process', 1, [round(102, 8, 112), round(104, 6, 150)]), point('cluster', 2, [round(190, 7, 199), round(192, 6, null)])],
    }))!;
    // Server bars in each variant's colour, a generator bar each round (and the legend's), and the
    // rest of the machine where /proc/stat was read: 2%, 40% and 2% of a core (not the last round).
    expect(chart.svg.match(/<rect [^>]*fill="#b2182b"/g)).toHaveLength(2);
    expect(chart.svg.match(/<rect [^>]*fill="#2166ac"/g)).toHaveLength(2);
    expect(chart.svg.match(/<rect [^>]*fill="#999"/g)).toHaveLength(4 + 1);
    expect(chart.svg.match(/<rect [^>]*fill="#ddd"/g)).toHaveLength(3 + 1);
    expect(chart.svg).toContain('2 cores');
  });

  it('is drawn only for a run that had a point served by several processes', () => {
    expect(coresChart(record({ machine: { cpus: 2, node: 'v20', platform: 'linux x64' }, variants: [point('a', 1, [round(100, 5, 110)])] }))).toBeNull();
  });
});
