// V8's CPU and heap profiles as one kind of call tree, merged across a point's rounds, with frame
// names a learner can follow (`cloneEveryRoundHandler lessons/03-clone-in-loop/slow.ts:13`).
// A frame's identity (its key) is its function and where it is defined, except the variant's
// handler, which every variant shares one key for: the diff then lines up the work the handlers
// do, not their different names.
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../core/paths.js';
import type { CpuProfile, HeapNode, HeapProfile, MeasuredWindow } from '../server/window-profiler.js';
import { sourceLine } from './top-frames.js';

export interface ProfileNode {
  key: string;
  functionName: string;
  url: string;
  /** 1-based line where the function is defined (V8 counts from 0). */
  line: number;
  /** Samples (CPU) or bytes (allocation) spent in this frame itself. */
  self: number;
  /** CPU only: samples by 1-based line of the compiled file, to name the hot line. */
  lineTicks: Map<number, number>;
  children: Map<string, ProfileNode>;
}

export type ProfileUnit = 'samples' | 'bytes';

export interface ProfileTree {
  unit: ProfileUnit;
  root: ProfileNode;
}

export const HANDLER_KEY = '(variant handler)';

/** The idle event loop: not work, so not in the tree (shares are of busy samples). */
const IDLE = '(idle)';

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}

function newNode(frame: Frame, handlerName: string): ProfileNode {
  const isHandler = handlerName !== '' && frame.functionName === handlerName && frame.url.includes('/lessons/');
  return {
    key: isHandler ? HANDLER_KEY : `${frame.functionName}|${frame.url}|${frame.lineNumber}`,
    functionName: frame.functionName,
    url: frame.url,
    line: frame.lineNumber + 1,
    self: 0,
    lineTicks: new Map(),
    children: new Map(),
  };
}

function childOf(parent: ProfileNode, frame: Frame, handlerName: string): ProfileNode {
  const fresh = newNode(frame, handlerName);
  const existing = parent.children.get(fresh.key);
  if (existing) return existing;
  parent.children.set(fresh.key, fresh);
  return fresh;
}

/**
 * A CPU profile (`Profiler.stop`) as a tree of self samples; idle samples are left out. With
 * `windows`, only the samples taken inside them count (line ticks, which only name a frame's hot
 * line, cover the whole profile).
 */
export function cpuProfileToTree(profile: CpuProfile, handlerName: string, windows?: readonly MeasuredWindow[]): ProfileTree {
  const hits = windows ? hitsInside(profile, windows) : null;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const rootSource = profile.nodes[0];
  const root = newNode(rootSource?.callFrame ?? { functionName: '(root)', url: '', lineNumber: -1 }, handlerName);
  if (!rootSource) return { unit: 'samples', root };
  const walk = (sourceId: number, into: ProfileNode): void => {
    const source = byId.get(sourceId);
    if (!source) return;
    into.self += hits ? (hits.get(source.id) ?? 0) : (source.hitCount ?? 0);
    for (const tick of source.positionTicks ?? []) into.lineTicks.set(tick.line, (into.lineTicks.get(tick.line) ?? 0) + tick.ticks);
    for (const childId of source.children ?? []) {
      const child = byId.get(childId);
      if (!child || child.callFrame.functionName === IDLE) continue;
      walk(childId, childOf(into, child.callFrame, handlerName));
    }
  };
  walk(rootSource.id, root);
  return { unit: 'samples', root };
}

/** Samples per node id, counting only those timed inside one of the windows. */
function hitsInside(profile: CpuProfile, windows: readonly MeasuredWindow[]): Map<number, number> {
  const hits = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let time = profile.startTime;
  for (let i = 0; i < samples.length; i += 1) {
    time += deltas[i] ?? 0;
    if (windows.some((w) => time >= w.startUs && time <= w.endUs)) hits.set(samples[i]!, (hits.get(samples[i]!) ?? 0) + 1);
  }
  return hits;
}

/** A sampling heap profile (`HeapProfiler.stopSampling`) as a tree of self bytes. */
export function heapProfileToTree(profile: HeapProfile, handlerName: string): ProfileTree {
  const root = newNode(profile.head.callFrame, handlerName);
  const walk = (source: HeapNode, into: ProfileNode): void => {
    into.self += source.selfSize;
    for (const child of source.children) walk(child, childOf(into, child.callFrame, handlerName));
  };
  walk(profile.head, root);
  return { unit: 'bytes', root };
}

/** Sums trees of one unit (a point's rounds) into a new one. */
export function mergeTrees(trees: readonly ProfileTree[]): ProfileTree | null {
  const first = trees[0];
  if (!first) return null;
  const root: ProfileNode = { ...first.root, self: 0, lineTicks: new Map(), children: new Map() };
  for (const tree of trees) addInto(root, tree.root);
  return { unit: first.unit, root };
}

function addInto(target: ProfileNode, source: ProfileNode): void {
  target.self += source.self;
  for (const [line, ticks] of source.lineTicks) target.lineTicks.set(line, (target.lineTicks.get(line) ?? 0) + ticks);
  for (const [key, child] of source.children) {
    let into = target.children.get(key);
    if (!into) {
      into = { ...child, self: 0, lineTicks: new Map(), children: new Map() };
      target.children.set(key, into);
    }
    addInto(into, child);
  }
}

/** Self plus everything below. */
export function totalOf(node: ProfileNode): number {
  let total = node.self;
  for (const child of node.children.values()) total += totalOf(child);
  return total;
}

/**
 * The name a learner reads: function, then file and line. Compiled lesson code is named by its
 * `.ts` source, at the line with the most CPU samples when the profile counted lines (the line to
 * edit), else where the function starts. Built-ins (`slice`) have no file.
 */
export function frameLabel(node: Pick<ProfileNode, 'functionName' | 'url' | 'line' | 'lineTicks'>): string {
  const name = node.functionName || '(anonymous)';
  if (!node.url) return name.startsWith('(') ? name : `${name} [built-in]`;
  let hot = node.line;
  let most = 0;
  for (const [line, ticks] of node.lineTicks) {
    if (ticks > most) [hot, most] = [line, ticks];
  }
  const file = node.url.startsWith('file:') ? fileURLToPath(node.url) : node.url;
  const where = sourceLine(file, hot) ?? `${file.replace(`${projectRoot}/`, '')}:${hot}`;
  return `${name} ${where}`;
}

export interface RankedFrame {
  name: string;
  /** Samples or bytes, in the frame itself. */
  value: number;
  /** Share of the whole tree, 0–100, one decimal. */
  pct: number;
}

/**
 * The frames with the most self samples or bytes, summed by name. A built-in is named with its
 * caller (`slice [built-in] ← cloneEveryRoundHandler lessons/…/slow.ts:9`): `slice` alone does
 * not say which line to change.
 */
export function topSelfFrames(tree: ProfileTree, count: number): RankedFrame[] {
  const byName = new Map<string, number>();
  const total = totalOf(tree.root);
  const visit = (node: ProfileNode, parent: ProfileNode | null): void => {
    if (node.self > 0 && node !== tree.root) {
      const own = frameLabel(node);
      const name = !node.url && parent && parent !== tree.root && !own.startsWith('(') ? `${own} ← ${frameLabel(parent)}` : own;
      byName.set(name, (byName.get(name) ?? 0) + node.self);
    }
    for (const child of node.children.values()) visit(child, node);
  };
  visit(tree.root, null);
  if (total <= 0) return [];
  return [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, value]) => ({ name, value, pct: Math.round((value / total) * 1000) / 10 }));
}
