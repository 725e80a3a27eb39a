// The comparison table and the top frames, as text.
import type { RunRecord } from './run-record.js';
import { cell } from './terminal.js';

interface Column {
  title: string;
  width: number;
  value: (variant: RunRecord['variants'][number]) => string;
}

const COLUMNS: Column[] = [
  { title: 'variant', width: 22, value: (v) => v.name },
  { title: 'conns', width: 6, value: (v) => String(v.connections) },
  { title: 'req/s', width: 9, value: (v) => cell(v.rps) },
  { title: 'p50 ms', width: 8, value: (v) => cell(v.latencyMs.p50, 0) },
  { title: 'p99 ms', width: 8, value: (v) => cell(v.latencyMs.p99, 0) },
  { title: 'errors', width: 7, value: (v) => String(v.errors + v.non2xx) },
  { title: 'lock wait p99', width: 14, value: (v) => (v.lockWait ? `${cell(v.lockWait.p99Ms, 1)} ms` : '–') },
  { title: 'max queue', width: 10, value: (v) => (v.lockWait ? String(v.lockWait.maxQueue) : '–') },
  { title: 'cpu ms/req', width: 11, value: (v) => cell(v.cpuMsPerRequest, 3) },
  { title: 'gc ms/req', width: 10, value: (v) => cell(v.gcMsPerRequest, 3) },
];

export function renderTable(record: RunRecord): string[] {
  const pad = (text: string, column: Column, index: number): string => (index === 0 ? text.padEnd(column.width) : text.padStart(column.width));
  const lines = [COLUMNS.map((column, i) => pad(column.title, column, i)).join(' ')];
  for (const variant of record.variants) {
    lines.push(COLUMNS.map((column, i) => pad(column.value(variant), column, i)).join(' '));
  }
  if (record.ceiling) {
    lines.push(`${'(ceiling: trivial route)'.padEnd(24)}${String(record.ceiling.connections).padStart(5)} ${cell(record.ceiling.rps).padStart(9)}`);
  }
  return lines;
}

export function renderTopFrames(record: RunRecord): string[] {
  const lines: string[] = [];
  for (const variant of record.variants) {
    if (variant.topFrames.length === 0) continue;
    lines.push(`top self-time frames · ${variant.name} (${variant.profiler ?? 'no profiler'})`);
    for (const frame of variant.topFrames) lines.push(`  ${frame.selfPct.toFixed(1).padStart(5)}%  ${frame.name}`);
  }
  return lines;
}
