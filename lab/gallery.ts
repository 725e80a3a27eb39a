// Flame graphs for learners: each run's graphs under flamegraphs/lesson-NN/<run-id>/, a page
// showing them side by side, and flamegraphs/index.html linking every run's graphs.
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { flamegraphsDir, hotpathHome, pad2, projectRoot, safeFileName } from '../core/paths.js';
import { writeFileAtomic, type RunRecord } from './run-record.js';

export interface PublishedGraph {
  label: string;
  /** Absolute path of the published copy. */
  file: string;
}

/**
 * Moves a run's graphs into the gallery, adding each to `published` as soon as it is there (so a
 * caller whose move fails half-way knows which ones moved); returns `published`.
 */
export async function publishFlamegraphs(
  lessonId: number,
  runId: string,
  graphs: ReadonlyArray<{ label: string; html: string }>,
  published: PublishedGraph[] = [],
): Promise<PublishedGraph[]> {
  const dir = path.join(flamegraphsDir(), `lesson-${pad2(lessonId)}`, runId);
  await mkdir(dir, { recursive: true });
  for (const graph of graphs) {
    const file = path.join(dir, `${safeFileName(graph.label)}.html`);
    await copyFile(graph.html, file); // copy + rm, not rename: HOTPATH_HOME may be another device
    await rm(graph.html, { force: true });
    published.push({ label: graph.label, file });
  }
  return published;
}

/** One page with a run's graphs side by side (each graph keeps its own zoom and search). */
export async function writeComparePage(record: RunRecord, graphs: readonly PublishedGraph[]): Promise<string> {
  const dir = path.dirname(graphs[0]?.file ?? path.join(flamegraphsDir(), 'x'));
  const file = path.join(dir, 'compare.html');
  const panes = graphs
    .map((graph) => {
      const variant = record.variants.find((v) => v.name === graph.label);
      const stats = variant ? `${variant.rps.toFixed(1)} req/s · gc ${variant.gcMsPerRequest?.toFixed(2) ?? '–'} ms/req` : '';
      return `<section><h2>${escapeHtml(graph.label)} <small>${escapeHtml(stats)}</small></h2><iframe src="${encodeURI(path.basename(graph.file))}" title="${escapeHtml(graph.label)}"></iframe></section>`;
    })
    .join('\n');
  await writeFileAtomic(file, page(`lesson ${record.lesson.id} · ${record.lesson.title} · ${record.runId}`, `
<style>main{display:grid;grid-template-columns:repeat(${Math.max(1, graphs.length)},1fr);gap:8px}iframe{width:100%;height:85vh;border:1px solid #ccc}h2{font-size:1rem}</style>
<p>Each pane is a full 0x flame graph: width is time on CPU, the top edge of a tower is where that time was spent (self time). Click to zoom, search with the box.</p>
<main>${panes}</main>`));
  return file;
}

/** Rewrites flamegraphs/index.html from every run record under HOTPATH_HOME. */
export async function writeGalleryIndex(): Promise<string> {
  const records = await readAllRecords();
  const rows = records
    .filter((record) => record.variants.some((variant) => variant.flamegraph))
    .map((record) => {
      const links = record.variants
        .filter((variant) => variant.flamegraph)
        .map((variant) => `<a href="${encodeURI(linkFromGallery(variant.flamegraph as string))}">${escapeHtml(variant.name)}</a>`)
        .join(' · ');
      const compare = record.compareFlamegraphs ? ` · <a href="${encodeURI(linkFromGallery(record.compareFlamegraphs))}"><b>side by side</b></a>` : '';
      return `<tr><td>${record.lesson.id}</td><td>${escapeHtml(record.lesson.title)}</td><td>${escapeHtml(record.runId)}</td><td>${verdictWords(record)}</td><td>${links}${compare}</td></tr>`;
    });
  const body = rows.length
    ? `<table><tr><th>lesson</th><th>title</th><th>run</th><th>verdict</th><th>flame graphs</th></tr>${rows.join('\n')}</table>`
    : '<p>No flame graphs yet: run <code>npm run lesson:3</code>.</p>';
  const file = path.join(flamegraphsDir(), 'index.html');
  await mkdir(flamegraphsDir(), { recursive: true });
  await writeFileAtomic(file, page('hotpath · flame graphs', `<style>td,th{padding:4px 10px;text-align:left}</style>${body}`));
  return file;
}

/** Every complete run record under HOTPATH_HOME/results, newest first. Unreadable ones are skipped. */
export async function readAllRecords(): Promise<RunRecord[]> {
  const root = path.join(hotpathHome(), 'results');
  const records: RunRecord[] = [];
  for (const lessonDir of await readdir(root).catch(() => [] as string[])) {
    for (const runId of await readdir(path.join(root, lessonDir)).catch(() => [] as string[])) {
      try {
        const text = await readFile(path.join(root, lessonDir, runId, 'result.json'), 'utf8');
        records.push(JSON.parse(text) as RunRecord);
      } catch {
        // a run in progress or aborted before its record: nothing to show
      }
    }
  }
  return records.sort((a, b) => b.runId.localeCompare(a.runId));
}

/** Record paths are relative to the project root (or absolute); the gallery links relative to itself. */
function linkFromGallery(recordPath: string): string {
  const absolute = path.isAbsolute(recordPath) ? recordPath : path.join(projectRoot, recordPath);
  return path.relative(flamegraphsDir(), absolute);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function verdictWords(record: RunRecord): string {
  const { comparison } = record;
  if (!comparison.valid) return '✗ invalid';
  // Records from before the three outcomes have no `verdict`.
  const verdict = comparison.verdict ?? (comparison.agreesWithTheory ? 'agrees' : 'disagrees');
  return verdict === 'agrees' ? '✓ agrees' : verdict === 'inconclusive' ? '? inconclusive' : '✗ disagrees';
}
