// Pictures for learners: each run's graphs, heap profiles and diffs under
// flamegraphs/lesson-NN/<run-id>/ with its compare.html, and flamegraphs/index.html linking every run.
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { flamegraphsDir, hotpathHome, pad2, projectRoot, safeFileName } from '../core/paths.js';
import type { Lesson } from '../core/lesson.js';
import { chartsFor } from './charts.js';
import { escapeHtml } from '../core/format.js';
import { comparePage, type ComparePageInput, type PageDiff, type VariantGraphs } from './compare-page.js';
import type { PointProfiles } from './measure-point.js';
import { diffTrees, toDiffFolded } from './profile-diff.js';
import { verdictWords } from './report.js';
import { writeFileAtomic, type RunRecord } from './run-record.js';

/** One point's profiles, to publish. */
export interface PointProfilesToPublish {
  label: string;
  /** 0x's graph in the run folder (moved into the gallery). */
  graphHtml: string | null;
  profiles: PointProfiles;
}

/** What a run put in the gallery, for its record (paths absolute). */
export interface PublishedRun {
  dir: string;
  zeroX: Map<string, string>;
  heapProfiles: Map<string, string>;
  diffs: Array<{ kind: 'cpu' | 'alloc'; subject: string; baseline: string; file: string }>;
  comparePage: string | null;
}

/** The pairs a run diffs: the lesson's, or its first point against its last. */
export function diffPairs(lesson: Pick<Lesson, 'diffPairs'>, labels: readonly string[]): Array<{ subject: string; baseline: string }> {
  const pairs = lesson.diffPairs ?? (labels.length >= 2 ? [{ subject: labels[0]!, baseline: labels[labels.length - 1]! }] : []);
  return pairs.filter((pair) => labels.includes(pair.subject) && labels.includes(pair.baseline));
}

/**
 * Publishes a run under flamegraphs/lesson-NN/<run-id>/: each point's 0x graph (moved from the run
 * folder) and `.heapprofile`, a `.diff.folded` per pair and kind, and compare.html. Adds to
 * `published` as it goes, so a caller whose publishing fails half-way knows what is there.
 */
export async function publishRun(
  record: RunRecord,
  lesson: Pick<Lesson, 'diffPairs' | 'site' | 'variants'>,
  points: readonly PointProfilesToPublish[],
  charts: ComparePageInput['charts'],
  published: PublishedRun,
): Promise<PublishedRun> {
  const { dir } = published;
  await mkdir(dir, { recursive: true });
  for (const point of points) {
    const base = safeFileName(point.label);
    if (point.graphHtml) {
      const file = path.join(dir, `${base}.html`);
      await copyFile(point.graphHtml, file); // copy + rm, not rename: HOTPATH_HOME may be another device
      await rm(point.graphHtml, { force: true });
      published.zeroX.set(point.label, file);
    }
    if (point.profiles.heap) {
      const file = path.join(dir, `${base}.heapprofile`);
      await writeFileAtomic(file, JSON.stringify(point.profiles.heap));
      published.heapProfiles.set(point.label, file);
    }
  }
  const byLabel = new Map(points.map((point) => [point.label, point.profiles]));
  const diffs: PageDiff[] = [];
  for (const pair of diffPairs(lesson, points.map((p) => p.label))) {
    for (const kind of ['alloc', 'cpu'] as const) {
      const subject = byLabel.get(pair.subject)?.[kind];
      const baseline = byLabel.get(pair.baseline)?.[kind];
      if (!subject || !baseline) continue;
      const diff = diffTrees({ label: pair.subject, tree: subject }, { label: pair.baseline, tree: baseline });
      const name = `${safeFileName(pair.subject)}-vs-${safeFileName(pair.baseline)}.${kind}.diff.folded`;
      await writeFileAtomic(path.join(dir, name), toDiffFolded(diff));
      published.diffs.push({ kind, subject: pair.subject, baseline: pair.baseline, file: path.join(dir, name) });
      diffs.push({ diff, folded: name });
    }
  }
  const variants: VariantGraphs[] = points.map((point) => ({
    label: point.label,
    cpu: point.profiles.cpu,
    alloc: point.profiles.alloc,
    zeroX: published.zeroX.has(point.label) ? path.basename(published.zeroX.get(point.label)!) : null,
    heapProfile: published.heapProfiles.has(point.label) ? path.basename(published.heapProfiles.get(point.label)!) : null,
  }));
  const anything = variants.some((v) => v.cpu || v.alloc || v.zeroX) || charts.length > 0;
  if (anything) {
    const file = path.join(dir, 'compare.html');
    await writeFileAtomic(file, comparePage({ record, lesson, variants, diffs, charts }));
    published.comparePage = file;
  }
  return published;
}

/** Where a run's pictures go. */
export function runGalleryDir(lessonId: number, runId: string): string {
  return path.join(flamegraphsDir(), `lesson-${pad2(lessonId)}`, runId);
}

/** Rewrites flamegraphs/index.html from every run record under HOTPATH_HOME. */
export async function writeGalleryIndex(): Promise<string> {
  const records = await readAllRecords();
  const rows = records
    .filter((record) => record.compareFlamegraphs || record.variants.some((variant) => variant.flamegraph))
    .map((record) => {
      const links = record.variants
        .filter((variant) => variant.flamegraph)
        .map((variant) => `<a href="${encodeURI(linkFromGallery(variant.flamegraph as string))}">${escapeHtml(variant.name)}</a>`);
      const compare = record.compareFlamegraphs ? `<a href="${encodeURI(linkFromGallery(record.compareFlamegraphs))}"><b>compare</b></a>` : '';
      // The run's first chart, small: lesson 1's law and ceiling, a lock lesson's queue. A
      // whole-process lesson's record (lesson 9) has timelines, not charts.
      const chart = (record as { kind?: string }).kind === 'command' ? undefined : chartsFor(record)[0];
      const thumbnail = chart ? chart.svg.replace(/ width="\d+" height="\d+"/, ' width="320" height="150"') : '';
      return `<tr><td>${record.lesson.id}</td><td>${escapeHtml(record.lesson.title)}</td><td>${escapeHtml(record.runId)}</td><td>${verdictWords(record)}</td>` +
        `<td>${[compare, ...links].filter(Boolean).join(' · ')}</td><td>${thumbnail}</td></tr>`;
    });
  const body = rows.length
    ? `<table><tr><th>lesson</th><th>title</th><th>run</th><th>verdict</th><th>pages: compare, then each variant's 0x graph</th><th>chart</th></tr>${rows.join('\n')}</table>`
    : '<p>No profiles or charts yet: run <code>npm run lesson:3</code>.</p>';
  const file = path.join(flamegraphsDir(), 'index.html');
  await mkdir(flamegraphsDir(), { recursive: true });
  await writeFileAtomic(file, page('hotpath · runs with pictures', `<style>td,th{padding:4px 10px;text-align:left;vertical-align:top}svg text{font-size:12px;font-family:system-ui,sans-serif}</style>${body}`));
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
