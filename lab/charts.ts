// SVG charts drawn from a run record, for the compare page and the gallery (no script, no CDN):
// req/s against connections with Little's law and the ceiling (lesson 1), and the lock's queue and
// wait over a measured window (the lock lessons: the off-CPU time a CPU flame graph cannot show),
// and where the machine's CPU went in each round (lesson 6's cluster).
import { escapeHtml, formatRate } from '../core/format.js';
import { thinkTimeMs } from '../loadtests/drivers.js';
import type { RunRecord } from './run-record.js';

export interface Chart {
  title: string;
  svg: string;
  caption: string;
}

const WIDTH = 640;
const HEIGHT = 320;
const MARGIN = { left: 64, right: 150, top: 16, bottom: 44 };
const SERIES_COLOURS = ['#b2182b', '#2166ac', '#1b7837', '#762a83', '#e08214', '#4d4d4d'];

/** The charts a record can draw: each only where its data is. */
export function chartsFor(record: RunRecord): Chart[] {
  return [lawChart(record), lockChart(record), coresChart(record)].filter((chart): chart is Chart => chart !== null);
}

/**
 * Lesson 6 (a run with a cluster point): where the machine's CPU went in each round, one stacked
 * bar per round and variant: the server (all its processes), the load generator, and the rest of
 * the machine's busy time, in cores, against the machine's cores. One process stops at one core
 * whatever is left; a cluster fills what the generator leaves.
 */
export function coresChart(record: RunRecord): Chart | null {
  if (!record.variants.some((v) => (v.processes ?? 1) > 1)) return null;
  const cores = record.machine.cpus;
  const bars = record.variants.flatMap((v, vi) => v.rounds.map((r, ri) => {
    const server = r.serverCpuPct / 100;
    const generator = r.generatorCpuPct / 100;
    const others = r.machineCpuPct ? Math.max(0, r.machineCpuPct.busy / 100 - server - generator) : 0;
    return { label: `${ri + 1}`, variant: v.name, colour: SERIES_COLOURS[vi % SERIES_COLOURS.length]!, server, generator, others, first: ri === 0, rounds: v.rounds.length };
  }));
  const top = Math.max(cores, ...bars.map((b) => b.server + b.generator + b.others)) * 1.1;
  const plotBottom = HEIGHT - MARGIN.bottom;
  const y = linearScale(0, top, plotBottom, MARGIN.top);
  const slot = (WIDTH - MARGIN.left - MARGIN.right) / (bars.length + record.variants.length);
  let x = MARGIN.left + slot / 2;
  const parts: string[] = [];
  bars.forEach((bar, i) => {
    if (bar.first && i > 0) x += slot; // a gap between variants
    const stack = [[bar.server, bar.colour], [bar.generator, '#999'], [bar.others, '#ddd']] as const;
    let base = 0;
    for (const [value, colour] of stack) {
      if (value <= 0) continue;
      parts.push(`<rect x="${(x - slot * 0.35).toFixed(1)}" y="${y(base + value).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${(y(base) - y(base + value)).toFixed(1)}" fill="${colour}"/>`);
      base += value;
    }
    parts.push(`<text x="${x.toFixed(1)}" y="${plotBottom + 14}" text-anchor="middle">${bar.label}</text>`);
    if (bar.first) parts.push(`<text x="${(x + (slot * (bar.rounds - 1)) / 2).toFixed(1)}" y="${plotBottom + 30}" text-anchor="middle" fill="${bar.colour}">${escapeHtml(bar.variant)}</text>`);
    x += slot;
  });
  parts.push(
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${plotBottom}" y2="${plotBottom}" stroke="#888"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${plotBottom}" stroke="#888"/>`,
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(cores).toFixed(1)}" y2="${y(cores).toFixed(1)}" stroke="#333" stroke-dasharray="4 3"/>`,
    `<text x="${WIDTH - MARGIN.right + 6}" y="${(y(cores) + 4).toFixed(1)}">${cores} cores</text>`,
    `<text x="${WIDTH - MARGIN.right + 6}" y="${(y(0) - 40).toFixed(1)}">server (its colour)</text>`,
    `<rect x="${WIDTH - MARGIN.right + 6}" y="${(y(0) - 30).toFixed(1)}" width="10" height="10" fill="#999"/><text x="${WIDTH - MARGIN.right + 20}" y="${(y(0) - 21).toFixed(1)}">load generator</text>`,
    `<rect x="${WIDTH - MARGIN.right + 6}" y="${(y(0) - 14).toFixed(1)}" width="10" height="10" fill="#ddd"/><text x="${WIDTH - MARGIN.right + 20}" y="${(y(0) - 5).toFixed(1)}">other processes</text>`,
    `<text x="${MARGIN.left - 6}" y="${(y(cores) + 4).toFixed(1)}" text-anchor="end">${cores}</text>`,
    `<text x="${MARGIN.left - 6}" y="${plotBottom}" text-anchor="end">0</text>`,
    `<text x="16" y="${(MARGIN.top + plotBottom) / 2}" transform="rotate(-90 16 ${(MARGIN.top + plotBottom) / 2})" text-anchor="middle">cores busy</text>`,
  );
  return {
    title: 'Where the machine\'s CPU went, round by round',
    svg: svg(parts.join('\n'), 'cores used by the server, the load generator and other processes, per round and variant'),
    caption: 'Each bar is one measured round: the server\'s CPU (all its processes; a cluster\'s workers and primary), the load generator\'s, ' +
      'and the rest of the machine\'s busy time (from /proc/stat), in cores. One process cannot pass one core however much is left; ' +
      'a cluster can fill what the generator leaves.',
  };
}

/**
 * Lesson 1: each sleep point's req/s (median, with the rounds' range) against its connections,
 * on log scales, with the law's line connections / (sleepMs + think time) and the ceiling the
 * trivial route measured. Where they cross is where adding connections stops paying.
 */
export function lawChart(record: RunRecord): Chart | null {
  const sleepMs = record.params.sleepMs;
  const points = record.variants.filter((v) => v.variant === 'sleep');
  const ceiling = record.ceiling ?? null;
  if (typeof sleepMs !== 'number' || points.length < 2 || !ceiling) return null;
  const thinkMs = thinkTimeMs({ driver: record.driver, locustUser: record.options.locustUser === 'story' ? 'story' : 'fast' });
  const law = (connections: number): number => (connections * 1000) / (sleepMs + thinkMs);
  const connections = points.map((p) => p.connections);
  const xMin = Math.min(...connections, 1);
  const xMax = Math.max(...connections, ceiling.connections);
  const ys = [...points.flatMap((p) => [p.spread.rpsMin, p.spread.rpsMax]), ceiling.rps, law(xMin)].filter((y) => y > 0);
  const yMin = Math.min(...ys) / 2;
  const yMax = Math.max(...ys, Math.min(law(xMax), ceiling.rps * 4)) * 1.5;
  const x = logScale(xMin, xMax, MARGIN.left, WIDTH - MARGIN.right);
  const y = logScale(yMin, yMax, HEIGHT - MARGIN.bottom, MARGIN.top);
  const meet = (ceiling.rps * (sleepMs + thinkMs)) / 1000; // connections where the law reaches the ceiling
  const lawEnd = Math.min(xMax, meet * 4);
  const parts = [
    axes(x, y, xMin, xMax, yMin, yMax, 'connections (log scale)', 'req/s (log scale)'),
    `<line class="law" x1="${x(xMin)}" y1="${y(law(xMin))}" x2="${x(lawEnd)}" y2="${y(law(lawEnd))}" stroke="#2166ac" stroke-width="2" stroke-dasharray="6 4"/>`,
    `<text x="${x(lawEnd) - 6}" y="${y(law(lawEnd)) + 16}" text-anchor="end" fill="#2166ac">law: connections / ${sleepMs + thinkMs} ms</text>`,
    `<line class="ceiling" x1="${MARGIN.left}" y1="${y(ceiling.rps)}" x2="${WIDTH - MARGIN.right}" y2="${y(ceiling.rps)}" stroke="#b2182b" stroke-width="2"/>`,
    `<text x="${MARGIN.left + 6}" y="${y(ceiling.rps) - 6}" fill="#b2182b">ceiling ${formatRate(ceiling.rps)} req/s (trivial route${ceiling.setBy === 'generator' ? ', set by the generator' : ''})</text>`,
    meet > xMin && meet < xMax
      ? `<line x1="${x(meet)}" y1="${y(ceiling.rps)}" x2="${x(meet)}" y2="${HEIGHT - MARGIN.bottom}" stroke="#999" stroke-dasharray="2 3"/><text x="${x(meet) + 4}" y="${HEIGHT - MARGIN.bottom - 6}" fill="#555">they meet at ${Math.round(meet)}</text>`
      : '',
    ...points.map((p) => {
      const cx = x(p.connections);
      return `<g class="point"><line x1="${cx}" x2="${cx}" y1="${y(p.spread.rpsMin)}" y2="${y(p.spread.rpsMax)}" stroke="#111" stroke-width="2"/>` +
        `<circle cx="${cx}" cy="${y(p.rps)}" r="4.5" fill="#111"><title>${escapeHtml(`${p.name}: ${formatRate(p.rps)} req/s (rounds ${formatRate(p.spread.rpsMin)}–${formatRate(p.spread.rpsMax)})`)}</title></circle>` +
        `<text x="${cx + 7}" y="${y(p.rps) - 6}">${escapeHtml(formatRate(p.rps))}</text></g>`;
    }),
  ];
  return {
    title: "req/s against connections: Little's law meets the ceiling",
    svg: svg(parts.join('\n'), "sleep route's req/s by connections, the law's line and the measured ceiling"),
    caption: `Dots: the sleep route's median req/s (bars: its rounds' range). Dashed: Little's law, connections / ${sleepMs + thinkMs} ms. ` +
      `Solid: the trivial route's req/s at ${ceiling.connections} connections, set by the ${ceiling.setBy}. Below ${Math.round(meet)} connections the law bounds the rate; above, the ceiling does.`,
  };
}

/**
 * The lock lessons: the lock's queue (requests waiting at each sample) and the mean wait of the
 * grants in each sample's interval, over one measured window, a line per variant. Only where a
 * variant queued (two or more waiting at once): lesson 3 takes a read lock that never does, and a
 * chart of zeros teaches nothing.
 */
export function lockChart(record: RunRecord): Chart | null {
  const series = record.variants
    .map((v) => ({ name: v.name, samples: v.rounds.at(-1)?.timeline?.samples ?? [] }))
    .filter((s) => s.samples.some((sample) => sample.lockQueue !== null));
  const queued = series.some((s) => s.samples.some((sample) => (sample.lockQueue ?? 0) >= 2));
  if (!queued) return null;
  const tMax = Math.max(...series.flatMap((s) => s.samples.map((x) => x.tMs))) / 1000;
  const queueMax = Math.max(1, ...series.flatMap((s) => s.samples.map((x) => x.lockQueue ?? 0)));
  const waitMax = Math.max(1, ...series.flatMap((s) => s.samples.map((x) => x.lockWaitMs ?? 0)));
  const panel = (top: number, height: number, max: number, pick: (sample: TimelineSampleLike) => number | null, label: string): string => {
    const x = linearScale(0, Math.max(tMax, 0.1), MARGIN.left, WIDTH - MARGIN.right);
    const y = linearScale(0, max * 1.1, top + height, top);
    const lines = series.map((s, i) => {
      const d = s.samples.filter((sample) => pick(sample) !== null).map((sample, j) => `${j === 0 ? 'M' : 'L'}${x(sample.tMs / 1000).toFixed(1)},${y(pick(sample)!).toFixed(1)}`).join('');
      return `<path d="${d}" fill="none" stroke="${SERIES_COLOURS[i % SERIES_COLOURS.length]}" stroke-width="2"/>`;
    });
    return `<text x="${MARGIN.left}" y="${top - 8}" font-weight="600">${escapeHtml(label)}</text>` +
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${top + height}" y2="${top + height}" stroke="#888"/>` +
      `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${top}" y2="${top + height}" stroke="#888"/>` +
      `<text x="${MARGIN.left - 6}" y="${top + 10}" text-anchor="end">${escapeHtml(whole(max))}</text>` +
      `<text x="${MARGIN.left - 6}" y="${top + height}" text-anchor="end">0</text>` +
      `<text x="${WIDTH - MARGIN.right}" y="${top + height + 14}" text-anchor="end">${tMax.toFixed(1)} s</text>${lines.join('')}`;
  };
  const panelHeight = 100;
  const parts = [
    panel(MARGIN.top + 14, panelHeight, queueMax, (s) => s.lockQueue, 'requests waiting for the lock'),
    panel(MARGIN.top + panelHeight + 52, panelHeight, waitMax, (s) => s.lockWaitMs, 'mean wait of the requests granted it, ms'),
    `<text x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${HEIGHT - 4}" text-anchor="middle">seconds into the measured window (last round)</text>`,
    ...series.map((s, i) => `<text x="${WIDTH - MARGIN.right + 10}" y="${MARGIN.top + 24 + i * 18}" fill="${SERIES_COLOURS[i % SERIES_COLOURS.length]}">${escapeHtml(s.name)}</text>`),
  ];
  const interval = record.variants.find((v) => v.rounds.at(-1)?.timeline)?.rounds.at(-1)?.timeline?.intervalMs ?? 0;
  return {
    title: 'The lock over a measured window: queue and wait',
    svg: svg(parts.join('\n'), 'requests waiting for the lock and their mean wait, over time, per variant'),
    caption: `Sampled in the server every ${interval} ms: how many requests were waiting for the lock, and the mean wait of those granted it in that interval. ` +
      'A CPU flame graph cannot show this time: a waiting request runs no code.',
  };
}

interface TimelineSampleLike {
  tMs: number;
  lockQueue: number | null;
  lockWaitMs: number | null;
}

function svg(body: string, label: string): string {
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">${body}</svg>`;
}

function axes(x: (v: number) => number, y: (v: number) => number, xMin: number, xMax: number, yMin: number, yMax: number, xLabel: string, yLabel: string): string {
  const parts = [
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${HEIGHT - MARGIN.bottom}" y2="${HEIGHT - MARGIN.bottom}" stroke="#888"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}" stroke="#888"/>`,
    `<text x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${HEIGHT - 6}" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
    `<text transform="translate(14 ${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(yLabel)}</text>`,
  ];
  for (const tick of decades(xMin, xMax)) parts.push(`<text x="${x(tick)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${whole(tick)}</text>`);
  for (const tick of decades(yMin, yMax)) {
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#eee"/><text x="${MARGIN.left - 6}" y="${y(tick) + 4}" text-anchor="end">${whole(tick)}</text>`);
  }
  return parts.join('\n');
}

function whole(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function decades(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let p = Math.floor(Math.log10(min)); p <= Math.ceil(Math.log10(max)); p += 1) {
    const value = 10 ** p;
    if (value >= min && value <= max) ticks.push(value);
  }
  return ticks;
}

function logScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const a = Math.log10(d0);
  const b = Math.log10(d1);
  return (v) => Math.round((r0 + ((Math.log10(Math.max(v, d0)) - a) / (b - a || 1)) * (r1 - r0)) * 10) / 10;
}

function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  return (v) => r0 + ((v - d0) / (d1 - d0 || 1)) * (r1 - r0);
}

