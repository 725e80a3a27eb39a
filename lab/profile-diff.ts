// A differential call tree of two profiles: the point studied (the subject, e.g. the slow variant)
// against the one it is held against (the baseline), frame by frame, each side as a share of its
// own total so that a faster run's larger sample count does not read as "more". Also written as
// Brendan Gregg's difffolded text (`<stack> <baseline> <subject>`, raw integers), which
// flamegraph.pl and inferno draw as the subject's graph, red where it does more.
import { frameLabel, totalOf, type ProfileNode, type ProfileTree, type ProfileUnit } from './profile-tree.js';

export interface DiffNode {
  /** One name; where the two sides name it differently (the handlers), the subject's with `(⇄ baseline's function)`. */
  name: string;
  /** Self samples or bytes, raw. */
  selfSubject: number;
  selfBaseline: number;
  /** Self plus everything below, raw. */
  totalSubject: number;
  totalBaseline: number;
  children: DiffNode[];
}

export interface ProfileDiff {
  unit: ProfileUnit;
  subject: string;
  baseline: string;
  /** The two trees' totals (the shares' denominators). */
  sumSubject: number;
  sumBaseline: number;
  root: DiffNode;
}

/** How a frame changed, from the subject's side. */
export type Change = 'more' | 'less' | 'same' | 'new' | 'gone';

/** Self shares closer than this (of each side's total) count as the same. */
export const SAME_SHARE = 0.005;

export function diffTrees(subject: { label: string; tree: ProfileTree }, baseline: { label: string; tree: ProfileTree }): ProfileDiff {
  return {
    unit: subject.tree.unit,
    subject: subject.label,
    baseline: baseline.label,
    sumSubject: totalOf(subject.tree.root),
    sumBaseline: totalOf(baseline.tree.root),
    root: diffNode(subject.tree.root, baseline.tree.root),
  };
}

function diffNode(a: ProfileNode | undefined, b: ProfileNode | undefined): DiffNode {
  const nameA = a ? frameLabel(a) : null;
  const nameB = b ? frameLabel(b) : null;
  // The handlers: named by the subject's, with the baseline's function beside it.
  const sameFunction = a && b && a.functionName === b.functionName;
  const name = nameA === null ? (nameB as string) : nameB === null || sameFunction ? nameA : `${nameA} (⇄ ${b!.functionName})`;
  const keys = new Set([...(a?.children.keys() ?? []), ...(b?.children.keys() ?? [])]);
  const children = [...keys].map((key) => diffNode(a?.children.get(key), b?.children.get(key)));
  return {
    name,
    selfSubject: a?.self ?? 0,
    selfBaseline: b?.self ?? 0,
    totalSubject: a ? totalOf(a) : 0,
    totalBaseline: b ? totalOf(b) : 0,
    children: children.sort((x, y) => x.name.localeCompare(y.name)),
  };
}

/** A frame's change: new or gone by presence, else by its self share on each side. */
export function changeOf(node: DiffNode, diff: Pick<ProfileDiff, 'sumSubject' | 'sumBaseline'>): Change {
  if (node.totalBaseline === 0 && node.totalSubject > 0) return 'new';
  if (node.totalSubject === 0 && node.totalBaseline > 0) return 'gone';
  const delta = selfShareDelta(node, diff);
  if (Math.abs(delta) < SAME_SHARE) return 'same';
  return delta > 0 ? 'more' : 'less';
}

/** The subject's self share minus the baseline's, −1…1. */
export function selfShareDelta(node: DiffNode, diff: Pick<ProfileDiff, 'sumSubject' | 'sumBaseline'>): number {
  return share(node.selfSubject, diff.sumSubject) - share(node.selfBaseline, diff.sumBaseline);
}

export function share(value: number, total: number): number {
  return total > 0 ? value / total : 0;
}

/**
 * Difffolded lines: `frame;frame;… <baseline> <subject>`, one per stack with self samples or
 * bytes on either side (the root frame left out, as stackcollapse does). Semicolons inside names
 * would split frames, so they become colons.
 */
export function toDiffFolded(diff: ProfileDiff): string {
  const lines: string[] = [];
  const visit = (node: DiffNode, stack: string[]): void => {
    const here = [...stack, node.name.replaceAll(';', ':')];
    if (node.selfSubject > 0 || node.selfBaseline > 0) {
      lines.push(`${here.join(';')} ${Math.round(node.selfBaseline)} ${Math.round(node.selfSubject)}`);
    }
    for (const child of node.children) visit(child, here);
  };
  for (const child of diff.root.children) visit(child, []);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** Reads difffolded text back (for tests and tools): stack, baseline count, subject count. */
export function parseDiffFolded(text: string): Array<{ stack: string[]; baseline: number; subject: number }> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const match = /^(.*) (\d+) (\d+)$/.exec(line);
      if (!match) throw new Error(`not a difffolded line: ${line}`);
      return { stack: match[1]!.split(';'), baseline: Number(match[2]), subject: Number(match[3]) };
    });
}
