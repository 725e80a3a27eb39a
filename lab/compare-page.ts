// compare.html: one run's profiles on one page that reads at 1400×900. The differential views
// come first (allocation, then CPU), each with the frames that changed most named in words; then
// each variant's own graphs, one above the other (tabs beyond two); then the run's table, as the
// terminal formats it, and the run's charts. Graphs are drawn by d3-flame-graph, inline (no
// iframe), sized to what they show.
import type { Lesson } from '../core/lesson.js';
import { changeOf, selfShareDelta, share, type Change, type DiffNode, type ProfileDiff } from './profile-diff.js';
import { frameLabel, totalOf, type ProfileNode, type ProfileTree, type ProfileUnit } from './profile-tree.js';
import { flamegraphScripts } from './flamegraph-assets.js';
import { escapeHtml, formatBytes } from '../core/format.js';
import { profiledFiguresNote, tableCells, verdictWords } from './report.js';
import type { RunRecord } from './run-record.js';

export interface VariantGraphs {
  label: string;
  cpu: ProfileTree | null;
  alloc: ProfileTree | null;
  /** File names beside compare.html. */
  zeroX: string | null;
  heapProfile: string | null;
}

export interface PageDiff {
  diff: ProfileDiff;
  /** The `.diff.folded` file beside compare.html. */
  folded: string;
}

export interface ComparePageInput {
  record: RunRecord;
  lesson: Pick<Lesson, 'site' | 'variants'>;
  variants: readonly VariantGraphs[];
  diffs: readonly PageDiff[];
  /** SVG charts, already drawn, with a caption each. */
  charts: ReadonlyArray<{ title: string; svg: string; caption: string }>;
}

/** What the page's script draws: d3-flame-graph's data, each frame with its colour and tooltip. */
interface GraphData {
  name: string;
  value: number;
  fill: string;
  tip: string;
  children?: GraphData[];
}

/** Colours, named as the README names them. */
export const COLOURS: Record<Change | 'heatLow' | 'heatHigh' | 'caller', string> = {
  more: '#ef3b2c',
  less: '#4292c6',
  same: '#e2e2e2',
  new: '#fd8d3c',
  gone: '#9e9ac8',
  heatLow: '#fde9c8',
  heatHigh: '#e34a33',
  caller: '#eeeeee',
};

const UNIT_WORD: Record<ProfileUnit, string> = { samples: 'CPU samples', bytes: 'sampled bytes' };

/** Frames narrower than this many pixels are not drawn (nor counted in a graph's height). */
const MIN_FRAME_PX = 8;

export function comparePage(input: ComparePageInput): string {
  const { record } = input;
  const graphs: Record<string, GraphData> = {};
  const sections: string[] = [];

  const diffs = [...input.diffs].sort((a, b) => unitOrder(a.diff.unit) - unitOrder(b.diff.unit));
  for (const [index, { diff, folded }] of diffs.entries()) {
    const id = `diff-${index}`;
    graphs[id] = diffData(diff.root, diff);
    const kind = diff.unit === 'bytes' ? 'Allocation' : 'CPU';
    sections.push(`<section class="diff" id="${id}-section">
<h2>${kind}: <span class="subject">${escapeHtml(diff.subject)}</span> against <span class="baseline">${escapeHtml(diff.baseline)}</span></h2>
${changedFramesList(diff)}
${legend(diff)}
<div class="graph" data-graph="${id}"></div>
<p class="files">Width: the frame's average share of ${UNIT_WORD[diff.unit]} on the two sides (each side normalised to its own total: ${formatAmount(diff.sumSubject, diff.unit)} for ${escapeHtml(diff.subject)}, ${formatAmount(diff.sumBaseline, diff.unit)} for ${escapeHtml(diff.baseline)}). Labels end with the frame's own share on each side. Raw counts for flamegraph.pl or inferno: <a href="${encodeURI(folded)}">${escapeHtml(folded)}</a> (first count ${escapeHtml(diff.baseline)}, second ${escapeHtml(diff.subject)}).</p>
</section>`);
  }
  const profiled = input.variants.some((v) => v.cpu || v.alloc || v.zeroX);
  const chartSections = input.charts.map((chart) => `<section class="chart"><h2>${escapeHtml(chart.title)}</h2>${chart.svg}<p class="note">${escapeHtml(chart.caption)}</p></section>`);
  // Without profiles, the charts are what the page is for: they come first.
  if (!profiled) sections.push(...chartSections);
  if (diffs.length === 0 && profiled) sections.push('<p class="note">No differential view in this run: it needs two profiled points.</p>');

  const variantBlocks = input.variants.map((variant, index) => {
    const parts: string[] = [];
    for (const [kind, tree] of [['Allocation', variant.alloc], ['CPU', variant.cpu]] as const) {
      if (!tree) continue;
      const id = `v${index}-${kind === 'CPU' ? 'cpu' : 'alloc'}`;
      graphs[id] = heatData(tree.root, tree.unit, totalOf(tree.root), maxSelf(tree.root));
      parts.push(`<h3>${kind} · ${formatAmount(totalOf(tree.root), tree.unit)}</h3><div class="graph" data-graph="${id}"></div>`);
    }
    const links = [
      variant.zeroX ? `<a href="${encodeURI(variant.zeroX)}">0x flame graph (the server's whole life)</a>` : null,
      variant.heapProfile ? `<a href="${encodeURI(variant.heapProfile)}">${escapeHtml(variant.heapProfile)}</a> (Chrome DevTools, speedscope)` : null,
    ].filter(Boolean);
    return { label: variant.label, html: `${links.length ? `<p class="files">${links.join(' · ')}</p>` : ''}${parts.join('\n') || '<p class="note">Not profiled in this run.</p>'}` };
  });
  const tabs = variantBlocks.length > 2;
  const variantsHtml = tabs
    ? `<div class="tabs" role="tablist">${variantBlocks.map((b, i) => `<button role="tab" data-tab="${i}"${i === 0 ? ' aria-selected="true"' : ''}>${escapeHtml(b.label)}</button>`).join('')}</div>
${variantBlocks.map((b, i) => `<div class="tab" data-panel="${i}"${i === 0 ? '' : ' hidden'}><h3 class="variant">${escapeHtml(b.label)}</h3>${b.html}</div>`).join('\n')}`
    : variantBlocks.map((b) => `<div class="variant-block"><h3 class="variant">${escapeHtml(b.label)}</h3>${b.html}</div>`).join('\n');
  if (profiled) sections.push(`<section id="variants"><h2>Each variant's own graphs</h2>
<p class="note">Width is the share of the variant's samples or bytes; the redder a frame, the more of them it has itself (self), at its top edge. Click a frame to zoom in, click the bottom bar to zoom out; rest the pointer on a frame for its numbers.</p>
${variantsHtml}</section>`);

  const { header, rows } = tableCells(record, input.lesson);
  const profiledNote = profiledFiguresNote(record);
  sections.push(`<section id="figures"><h2>The run's figures</h2>
<table><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>
${rows.map((row) => `<tr>${row.map((c, i) => `<td${i === 0 ? '' : ' class="num"'}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n')}</table>
${profiledNote ? `<p class="note">${escapeHtml(profiledNote)}</p>` : ''}
<p class="verdict">${escapeHtml(verdictLine(record))}</p>
${record.comparison.notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`).join('\n')}
</section>`);
  if (profiled) sections.push(...chartSections);

  const title = `lesson ${record.lesson.id} · ${record.lesson.title}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`${title} · ${record.runId}`)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${PAGE_CSS}</style></head>
<body>
<header><h1>${escapeHtml(title)} <small>run ${escapeHtml(record.runId)}</small></h1>
<p class="verdict">${escapeHtml(verdictLine(record))}${profiled ? ' · <a href="#variants">each variant</a>' : ''} · <a href="#figures">figures</a> · <a href="../../index.html">all runs</a></p></header>
<pre id="page-errors" hidden></pre>
${sections.join('\n')}
<script type="application/json" id="graph-data">${JSON.stringify(graphs).replaceAll('<', '\\u003c')}</script>
<script>${flamegraphScripts()}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}

function unitOrder(unit: ProfileUnit): number {
  return unit === 'bytes' ? 0 : 1; // allocation first: half of what the lab teaches has no other picture
}

function verdictLine(record: RunRecord): string {
  const c = record.comparison;
  return `${verdictWords(record)}${c.valid && c.speedup !== null ? ` · speedup ${c.speedup}x` : ''}`;
}

function formatAmount(value: number, unit: ProfileUnit): string {
  return unit === 'bytes' ? formatBytes(value) : `${Math.round(value).toLocaleString('en-US')} samples`;
}

function pct(fraction: number): string {
  const value = fraction * 100;
  return value >= 10 || value === 0 ? `${Math.round(value)}%` : `${value.toFixed(1)}%`;
}

/** The frames whose own share changed most, in words, above the graph. */
function changedFramesList(diff: ProfileDiff, count = 4): string {
  const all: Array<{ node: DiffNode; path: string; delta: number }> = [];
  const visit = (node: DiffNode, parent: DiffNode | null): void => {
    if (node !== diff.root && (node.selfSubject > 0 || node.selfBaseline > 0)) {
      const path = parent && parent !== diff.root && node.name.endsWith('[built-in]') ? `${node.name} ← ${parent.name}` : node.name;
      all.push({ node, path, delta: selfShareDelta(node, diff) });
    }
    for (const child of node.children) visit(child, node);
  };
  visit(diff.root, null);
  const top = all.filter((item) => Math.abs(item.delta) >= 0.01).sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta)).slice(0, count);
  if (top.length === 0) return `<p class="note">No frame's own share moved by a point or more.</p>`;
  const unitWord = diff.unit === 'bytes' ? 'bytes' : 'CPU samples';
  const items = top.map(({ node, path, delta }) => {
    const change = changeOf(node, diff);
    const a = pct(share(node.selfSubject, diff.sumSubject));
    const b = pct(share(node.selfBaseline, diff.sumBaseline));
    const word = change === 'new' ? `only in ${diff.subject}` : change === 'gone' ? `only in ${diff.baseline}` : delta > 0 ? 'more' : 'less';
    return `<li class="${change}"><span class="swatch" style="background:${COLOURS[change]}"></span><b>${escapeHtml(word)}</b> <code>${escapeHtml(path)}</code>: ${a} of ${escapeHtml(diff.subject)}'s ${unitWord}, ${b} of ${escapeHtml(diff.baseline)}'s</li>`;
  });
  return `<ul class="changes">${items.join('\n')}</ul>`;
}

function legend(diff: ProfileDiff): string {
  const s = escapeHtml(diff.subject);
  const b = escapeHtml(diff.baseline);
  const items: Array<[Change, string]> = [
    ['more', `a larger own share in ${s}`],
    ['less', `a smaller own share in ${s}`],
    ['new', `only in ${s}`],
    ['gone', `only in ${b}`],
    ['same', 'about the same, or no self of its own'],
  ];
  return `<p class="legend">${items.map(([change, words]) => `<span><span class="swatch" style="background:${COLOURS[change]}"></span>${words}</span>`).join(' ')}</p>`;
}

function diffData(node: DiffNode, diff: ProfileDiff): GraphData {
  const shareSubject = share(node.totalSubject, diff.sumSubject);
  const shareBaseline = share(node.totalBaseline, diff.sumBaseline);
  const change = node === diff.root ? 'same' : changeOf(node, diff);
  const selfA = share(node.selfSubject, diff.sumSubject);
  const selfB = share(node.selfBaseline, diff.sumBaseline);
  const selfNote = selfA >= 0.01 || selfB >= 0.01 ? ` · ${pct(selfA)} vs ${pct(selfB)}` : '';
  const colour = change === 'more' || change === 'less' ? shade(COLOURS[change], Math.min(1, Math.abs(selfA - selfB) / 0.25)) : COLOURS[change];
  const data: GraphData = {
    name: node === diff.root ? `all ${UNIT_WORD[diff.unit]}` : `${node.name}${selfNote}`,
    value: ((shareSubject + shareBaseline) / 2) * 1e6,
    fill: colour,
    tip: `${node.name}\n${diff.subject}: ${pct(shareSubject)} in all, ${pct(selfA)} itself\n${diff.baseline}: ${pct(shareBaseline)} in all, ${pct(selfB)} itself\n(${change})`,
  };
  const children = node.children.map((child) => diffData(child, diff)).filter((child) => child.value > 0);
  if (children.length > 0) data.children = children;
  return data;
}

function heatData(node: ProfileNode, unit: ProfileUnit, total: number, most: number, isRoot = true): GraphData {
  const all = totalOf(node);
  const heat = most > 0 ? Math.sqrt(node.self / most) : 0;
  const data: GraphData = {
    name: isRoot ? `all ${UNIT_WORD[unit]}` : frameLabel(node),
    value: all,
    fill: node.self > 0 ? mix(COLOURS.heatLow, COLOURS.heatHigh, heat) : COLOURS.caller,
    tip: `${isRoot ? 'all' : frameLabel(node)}\n${pct(share(all, total))} in all (${formatAmount(all, unit)}), ${pct(share(node.self, total))} itself`,
  };
  const children = [...node.children.values()].map((child) => heatData(child, unit, total, most, false)).filter((child) => child.value > 0);
  if (children.length > 0) data.children = children;
  return data;
}

function maxSelf(node: ProfileNode): number {
  let most = node.self;
  for (const child of node.children.values()) most = Math.max(most, maxSelf(child));
  return most;
}

/** `colour` faded towards white for small changes (`strength` 0…1). */
function shade(colour: string, strength: number): string {
  return mix('#fbeeee', colour, 0.25 + 0.75 * strength);
}

function mix(from: string, to: string, t: number): string {
  const a = parseHex(from);
  const b = parseHex(to);
  const channel = (i: number): string => Math.round(a[i]! + (b[i]! - a[i]!) * t).toString(16).padStart(2, '0');
  return `#${channel(0)}${channel(1)}${channel(2)}`;
}

function parseHex(colour: string): number[] {
  return [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
}


const PAGE_CSS = `
body{font-family:system-ui,sans-serif;margin:0 16px 32px;color:#1b1b1b;max-width:1600px}
header{position:sticky;top:0;background:#fff;z-index:2;border-bottom:1px solid #ddd;padding:6px 0}
h1{font-size:1.25rem;margin:4px 0}h1 small{font-weight:400;color:#666;font-size:.85rem}
h2{font-size:1.05rem;margin:18px 0 4px}h3{font-size:.95rem;margin:10px 0 2px}
.subject{color:#b2182b}.baseline{color:#2166ac}
.verdict{margin:2px 0;font-size:.9rem}
.note,.files{color:#555;font-size:.82rem;margin:4px 0}
.changes{margin:4px 0;padding-left:18px;font-size:.88rem}.changes li{margin:1px 0;list-style:none}
.changes code{font-size:.85rem}
.legend{font-size:.8rem;margin:4px 0;color:#333}.legend>span{margin-right:14px;white-space:nowrap}
.swatch{display:inline-block;width:12px;height:12px;border:1px solid #999;vertical-align:-2px;margin-right:4px}
.graph{width:100%;overflow:hidden}
.graph .d3-flame-graph-label{font-size:12px!important;font-family:system-ui,sans-serif!important;color:#111!important;line-height:18px!important}
.d3-flame-graph rect{stroke:#fff;fill-opacity:1}
table{border-collapse:collapse;font-size:.85rem}td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.tabs button{font:inherit;padding:4px 10px;border:1px solid #bbb;background:#f4f4f4;cursor:pointer;margin-right:4px}
.tabs button[aria-selected=true]{background:#fff;border-bottom-color:#fff;font-weight:600}
.variant{color:#333}
#page-errors{color:#b00;white-space:pre-wrap}
svg.chart text{font-size:12px;font-family:system-ui,sans-serif}
`;

// Draws every [data-graph] with d3-flame-graph, sized to its container and its own depth; a hidden
// tab is drawn when first shown (a hidden container has no width). Errors land on the page.
const PAGE_SCRIPT = `
(function () {
  var errors = document.getElementById('page-errors');
  function report(message) { errors.hidden = false; errors.textContent += message + '\\n'; }
  window.addEventListener('error', function (event) { report('error: ' + event.message); });
  try {
    var data = JSON.parse(document.getElementById('graph-data').textContent);
    var drawn = {};
    function draw(element) {
      var id = element.getAttribute('data-graph');
      if (drawn[id] || element.offsetParent === null) return;
      drawn[id] = true;
      var chart = flamegraph.default()
        .width(element.clientWidth)
        .cellHeight(18)
        .minFrameSize(${MIN_FRAME_PX})
        .transitionDuration(0)
        .sort(true)
        .selfValue(false)
        .setColorMapper(function (d) { return d.data.fill; })
        .label(function (d) { return d.data.tip; });
      d3.select(element).datum(data[id]).call(chart);
    }
    function drawAll() { document.querySelectorAll('[data-graph]').forEach(draw); }
    document.querySelectorAll('.tabs button').forEach(function (button) {
      button.addEventListener('click', function () {
        var tab = button.getAttribute('data-tab');
        document.querySelectorAll('.tabs button').forEach(function (b) { b.setAttribute('aria-selected', String(b === button)); });
        document.querySelectorAll('[data-panel]').forEach(function (panel) { panel.hidden = panel.getAttribute('data-panel') !== tab; });
        drawAll();
      });
    });
    drawAll();
  } catch (error) {
    report('error: ' + (error && error.message ? error.message : String(error)));
  }
})();
`;
