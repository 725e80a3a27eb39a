// The pictures of a whole-process lesson (lesson 9): each step's trace drawn as a timeline, one
// under the other on the same time scale, as the story showed its Perfetto screenshots. The main
// lane stacks nested spans; every side lane (a fetch waiting beside another) gets a row of its
// own. The steps' table is above, the trace files are linked for Perfetto.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { escapeHtml } from '../core/format.js';
import { projectRoot } from '../core/paths.js';
import type { CommandRunRecord } from './command-record.js';
import { renderStepsTable } from './command-report.js';
import { verdictWords } from './report.js';

export interface TraceSpan {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
}

/** Colours by span category (the trace's `cat`): waits blue, deserializing red, disk and build greens. */
export const SPAN_COLOURS: Record<string, string> = {
  check: '#d9d9d9', generate: '#bdbdbd', prefetch: '#9e9ac8', fetch: '#6baed6', toolchain: '#fdae6b', parse: '#e6550d',
  hash: '#fd8d3c', cache: '#74c476', write: '#a1d99b', build: '#31a354',
};

const WIDTH = 1300;
const LABEL_W = 150;
const ROW_H = 18;

/** A step's spans laid out in rows: the main lane by nesting depth, then one row per side lane. */
export function layoutSpans(events: readonly TraceSpan[]): Array<TraceSpan & { row: number; dur: number }> {
  const spans = events.filter((e) => e.ph === 'X').map((e) => ({ ...e, dur: e.dur ?? 1 }));
  const main = spans.filter((s) => s.tid === 1).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const out: Array<TraceSpan & { row: number; dur: number }> = [];
  const open: number[] = []; // end times of the spans enclosing the current one
  for (const span of main) {
    while (open.length > 0 && open.at(-1)! <= span.ts) open.pop();
    out.push({ ...span, row: open.length });
    open.push(span.ts + span.dur);
  }
  const depth = Math.max(0, ...out.map((s) => s.row)) + 1;
  for (const span of spans.filter((s) => s.tid !== 1)) out.push({ ...span, row: depth + span.tid - 2 });
  return out;
}

function timelineSvg(spans: ReturnType<typeof layoutSpans>, scaleUs: number): string {
  const rows = Math.max(1, ...spans.map((s) => s.row + 1));
  const mainRows = Math.max(1, ...spans.filter((s) => s.tid === 1).map((s) => s.row + 1));
  const x = (us: number): number => LABEL_W + (us / scaleUs) * (WIDTH - LABEL_W - 10);
  const height = rows * ROW_H + 22;
  const parts: string[] = [];
  for (let row = 0; row < rows; row += 1) {
    const label = row === 0 ? 'main thread' : row < mainRows ? '' : `fetch lane ${row - mainRows + 1}`;
    if (label) parts.push(`<text x="4" y="${row * ROW_H + 13}">${label}</text>`);
  }
  for (const span of spans) {
    const [left, right] = [x(span.ts), x(span.ts + span.dur)];
    const w = Math.max(1, right - left);
    const fill = SPAN_COLOURS[span.cat] ?? '#ccc';
    const ms = (span.dur / 1000).toFixed(1);
    parts.push(`<g><title>${escapeHtml(`${span.name}: ${ms} ms`)}</title><rect x="${left.toFixed(1)}" y="${span.row * ROW_H + 1}" width="${w.toFixed(1)}" height="${ROW_H - 2}" fill="${fill}"/>` +
      (w > 60 ? `<text x="${(left + 3).toFixed(1)}" y="${span.row * ROW_H + 13}">${escapeHtml(fit(`${span.name} ${ms} ms`, w))}</text>` : '') + '</g>');
  }
  // The axis: a tick every 100 ms (every 500 past 2 s), the same scale for every step.
  const stepMs = scaleUs > 2e6 ? 500 : 100;
  for (let ms = 0; ms * 1000 <= scaleUs; ms += stepMs) {
    parts.push(`<line x1="${x(ms * 1000).toFixed(1)}" x2="${x(ms * 1000).toFixed(1)}" y1="${rows * ROW_H}" y2="${rows * ROW_H + 5}" stroke="#888"/>`);
    parts.push(`<text class="tick" x="${x(ms * 1000).toFixed(1)}" y="${rows * ROW_H + 17}" text-anchor="middle">${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}</text>`);
  }
  return `<svg class="timeline" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">${parts.join('')}</svg>`;
}

/** A label cut to what fits in `width` px (about 6.5 px a character at 11 px). */
function fit(text: string, width: number): string {
  const chars = Math.floor((width - 6) / 6.5);
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}…`;
}

/** Reads each step's trace (the last measured run's) and makes the page. */
export async function timelinePage(record: CommandRunRecord, pageDir: string): Promise<string> {
  const steps = await Promise.all(record.variants.map(async (step) => {
    const file = step.trace ? (path.isAbsolute(step.trace) ? step.trace : path.join(projectRoot, step.trace)) : null;
    const events = file ? ((JSON.parse(await readFile(file, 'utf8')) as { traceEvents: TraceSpan[] }).traceEvents) : [];
    return { step, file, spans: layoutSpans(events) };
  }));
  const scaleUs = Math.max(1, ...steps.flatMap(({ spans }) => spans.map((s) => s.ts + s.dur)));
  const legend = Object.entries(SPAN_COLOURS).map(([cat, colour]) => `<span><i class="swatch" style="background:${colour}"></i>${cat}</span>`).join('');
  const sections = steps.map(({ step, file, spans }) => {
    const link = file ? ` · <a href="${encodeURI(path.relative(pageDir, file))}">trace file</a> · <a href="${encodeURI(path.relative(pageDir, file.replace('.trace.json', '.cold.trace.json')))}">its cold run</a>` : '';
    const heading = `${step.label === step.name ? step.name : `${step.label} ${step.name}`} — median ${(step.wallMs.median / 1000).toFixed(3)} s over ${step.runsMs.length} runs`;
    // The process's own time around the trace: starting node, loading modules, exiting.
    const traced = spans.find((s) => s.tid === 1 && s.row === 0)?.dur ?? null;
    const last = step.runsMs.at(-1);
    const outside = traced !== null && last !== undefined ? `; the trace is its last run: ${(last / 1000).toFixed(3)} s as a process, ${(traced / 1e6).toFixed(3)} s inside the trace, ${((last - traced / 1000) / 1000).toFixed(3)} s outside it (starting node, loading modules, exiting)` : '';
    return `<section><h2>${escapeHtml(heading)}</h2><p class="note">${escapeHtml(step.summary + outside)}${link}</p>${spans.length > 0 ? timelineSvg(spans, scaleUs) : '<p>no trace</p>'}</section>`;
  });
  const table = renderStepsTable(record).map(escapeHtml).join('\n');
  const notes = record.comparison.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lesson ${record.lesson.id} · ${escapeHtml(record.runId)} · timelines</title>
<style>${CSS}</style></head>
<body><h1>lesson ${record.lesson.id} · ${escapeHtml(record.lesson.title)} <small>${escapeHtml(record.runId)} · ${escapeHtml(verdictWords(record))}${record.comparison.speedup !== null ? ` · speedup ${record.comparison.speedup}x` : ''}</small></h1>
<pre>${table}</pre>
<ul class="notes">${notes}</ul>
<p class="legend">${legend}</p>
<p class="note">Each step's process, start to finish, on one time scale: hover a span for its name and time. The trace files open in <a href="https://ui.perfetto.dev">Perfetto</a> (Open trace file; it reads the file in the page) or chrome://tracing.</p>
${sections.join('\n')}
</body></html>
`;
}

const CSS = `
body{font-family:system-ui,sans-serif;margin:0 16px 32px;color:#1b1b1b}
h1{font-size:1.25rem;margin:10px 0 4px}h1 small{font-weight:400;color:#555;font-size:.85rem}
h2{font-size:1rem;margin:16px 0 2px}
pre{font-size:.8rem;background:#f7f7f7;padding:6px;overflow-x:auto}
.notes{font-size:.85rem;margin:4px 0;padding-left:18px}
.note{color:#555;font-size:.82rem;margin:2px 0 4px}
.legend{font-size:.8rem}.legend span{margin-right:12px;white-space:nowrap}
.swatch{display:inline-block;width:12px;height:12px;vertical-align:-2px;margin-right:4px;border:1px solid #999}
svg.timeline text{font-size:11px;font-family:system-ui,sans-serif;fill:#111}
svg.timeline text.tick{fill:#555}
`;
