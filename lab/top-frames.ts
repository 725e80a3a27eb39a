// Ranking frames by self time, shared by both profile readers, with names a learner can follow:
// paths relative to the project, and compiled dist/*.js locations mapped back to the .ts source.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../core/paths.js';

export interface TopFrame {
  /** Function name and location, e.g. `noCloneHandler lessons/03-clone-in-loop/fast.ts:8:10`. */
  name: string;
  /** Share of all samples spent in this frame itself, 0–100. */
  selfPct: number;
}

export const TOP_FRAME_COUNT = 8;

/** Turns self samples by frame name into the top `count` frames by share of `total`. */
export function rankSelfTime(selfByName: ReadonlyMap<string, number>, total: number, count = TOP_FRAME_COUNT): TopFrame[] {
  if (total <= 0) return [];
  return [...selfByName]
    .filter(([, self]) => self > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, self]) => ({ name: displayFrameName(name), selfPct: Math.round((self / total) * 1000) / 10 }));
}

const LOCATION = /^(.*?)\s?(file:\/\/)?(\/[^\s:]+\.js):(\d+):(\d+)(.*)$/;
const maps = new Map<string, SourceMap | null>();
const sourceLines = new Map<string, string[]>();

/**
 * `noCloneHandler file:///…/dist/lessons/x/fast.js:4:41` → `noCloneHandler lessons/x/fast.ts:8:10`.
 * Locations without a source map keep their place, with the project prefix dropped.
 */
export function displayFrameName(name: string): string {
  const match = LOCATION.exec(name);
  if (match) {
    const [, fn, , file, line, column, rest] = match as unknown as [string, string, string | undefined, string, string, string, string];
    const original = mapToSource(file, Number(line), Number(column));
    if (original) return `${fn} ${original}${rest}`;
  }
  return name.replaceAll(`file://${projectRoot}/`, '').replaceAll(`${projectRoot}/`, '');
}

/**
 * `file` (a compiled dist/*.js) at a 1-based `line`, as `lessons/x/slow.ts:13`: where a profile
 * knows the line but not the column (V8's line ticks), the line's first statement is taken.
 * Null when the file has no source map.
 */
export function sourceLine(file: string, line: number): string | null {
  const map = sourceMapOf(file);
  if (!map) return null;
  let lines = sourceLines.get(file);
  if (!lines) {
    lines = readFileSync(file, 'utf8').split('\n');
    sourceLines.set(file, lines);
  }
  const text = lines[line - 1] ?? '';
  const column = Math.max(0, text.search(/\S/)) + 1;
  return mapToSource(file, line, column)?.replace(/:\d+$/, '') ?? null;
}

function sourceMapOf(file: string): SourceMap | null {
  if (!file.startsWith(path.join(projectRoot, 'dist') + path.sep)) return null;
  let map = maps.get(file);
  if (map === undefined) {
    const mapFile = `${file}.map`;
    map = existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : null;
    maps.set(file, map);
  }
  return map;
}

function mapToSource(file: string, line: number, column: number): string | null {
  const map = sourceMapOf(file);
  // V8 positions are 1-based; source maps count from 0.
  const entry = map?.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
  if (!entry?.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) return null;
  const source = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(file), entry.originalSource);
  return `${path.relative(projectRoot, source)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
}
