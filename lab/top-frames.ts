// Ranking frames by self time, shared by both profile readers.
import { projectRoot } from './paths.js';

export interface TopFrame {
  /** Function name and location, paths relative to the project. */
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
    .map(([name, self]) => ({ name: shortenFrameName(name), selfPct: Math.round((self / total) * 1000) / 10 }));
}

/** `noCloneHandler file:///…/dist/lessons/x/fast.js:8:10` → `noCloneHandler dist/lessons/x/fast.js:8:10`. */
export function shortenFrameName(name: string): string {
  return name.replaceAll(`file://${projectRoot}/`, '').replaceAll(`${projectRoot}/`, '');
}
