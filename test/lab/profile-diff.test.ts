// Profile trees and their diff, on small hand-made V8 profiles: what is counted, what is aligned,
// what the difffolded text says.
import { describe, expect, it } from 'vitest';
import { changeOf, diffTrees, parseDiffFolded, toDiffFolded } from '../../lab/profile-diff.js';
import { cpuProfileToTree, heapProfileToTree, HANDLER_KEY, mergeTrees, topSelfFrames, totalOf } from '../../lab/profile-tree.js';
import type { CpuProfile, HeapNode, HeapProfile } from '../../server/window-profiler.js';

const frame = (functionName: string, url = '', lineNumber = 0): HeapNode['callFrame'] => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '0' });

function heap(head: HeapNode): HeapProfile {
  return { head, samples: [] };
}

let id = 1;
function node(name: string, selfSize: number, children: HeapNode[] = [], url = ''): HeapNode {
  return { callFrame: frame(name, url), selfSize, id: id++, children };
}

// A slow variant whose handler copies (slice) and a fast one that does not, both under the same caller.
const slowHeap = heap(node('(root)', 0, [node('run', 0, [node('slowHandler', 100, [node('slice', 900)], '/p/lessons/x/slow.js')], '/p/server/app.js')]));
const fastHeap = heap(node('(root)', 0, [node('run', 0, [node('fastHandler', 50, [], '/p/lessons/x/fast.js')], '/p/server/app.js'), node('json', 50, [], '/p/node_modules/express/res.js')]));

describe('profile trees', () => {
  it('align the variants\' handlers under one key, and keep other frames apart by name and place', () => {
    const slow = heapProfileToTree(slowHeap, 'slowHandler');
    const fast = heapProfileToTree(fastHeap, 'fastHandler');
    const run = (tree: typeof slow) => [...tree.root.children.values()][0]!;
    expect([...run(slow).children.keys()]).toEqual([HANDLER_KEY]);
    expect([...run(fast).children.keys()]).toEqual([HANDLER_KEY]);
    expect(totalOf(slow.root)).toBe(1000);
    // Without the handler's name, nothing is aligned.
    expect([...run(heapProfileToTree(fastHeap, '')).children.keys()]).not.toContain(HANDLER_KEY);
  });

  it('merge rounds by summing the same frames', () => {
    const merged = mergeTrees([heapProfileToTree(slowHeap, 'slowHandler'), heapProfileToTree(slowHeap, 'slowHandler')])!;
    expect(totalOf(merged.root)).toBe(2000);
    expect(topSelfFrames(merged, 1)[0]).toMatchObject({ value: 1800, pct: 90 });
  });

  it('name a built-in by its caller: "slice" alone does not say which line to change', () => {
    const top = topSelfFrames(heapProfileToTree(slowHeap, 'slowHandler'), 2);
    expect(top[0]!.name).toMatch(/^slice \[built-in\] ← slowHandler \/p\/lessons\/x\/slow\.js:1$/);
    expect(top[0]!.pct).toBe(90);
  });

  it('count only the CPU samples inside the measured windows, and leave idle out', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3] },
        { id: 2, callFrame: frame('work', '/p/w.js', 4), positionTicks: [{ line: 7, ticks: 5 }] },
        { id: 3, callFrame: frame('(idle)') },
      ],
      startTime: 1000,
      endTime: 2000,
      // times 1100, 1200, 1300, 1400, 1500: work, work, idle, work, work
      samples: [2, 2, 3, 2, 2],
      timeDeltas: [100, 100, 100, 100, 100],
    };
    const all = cpuProfileToTree(profile, '');
    expect(totalOf(all.root)).toBe(0); // no hitCount: counted from samples only when windows are given
    const windowed = cpuProfileToTree(profile, '', [{ startUs: 1150, endUs: 1450 }]);
    expect(totalOf(windowed.root)).toBe(2); // 1200 and 1400; 1300 was idle
    const work = [...windowed.root.children.values()][0]!;
    expect(work.lineTicks.get(7)).toBe(5);
  });
});

describe('profile diff', () => {
  const diff = diffTrees(
    { label: 'slow', tree: heapProfileToTree(slowHeap, 'slowHandler') },
    { label: 'fast', tree: heapProfileToTree(fastHeap, 'fastHandler') },
  );

  it('marks frames new, gone, more or less by each side\'s own share', () => {
    const run = diff.root.children.find((c) => c.name.startsWith('run'))!;
    const handler = run.children[0]!;
    expect(handler.name).toMatch(/^slowHandler .*\(⇄ fastHandler\)$/);
    const slice = handler.children[0]!;
    expect(changeOf(slice, diff)).toBe('new');
    expect(changeOf(diff.root.children.find((c) => c.name.startsWith('json'))!, diff)).toBe('gone');
    // The handler's own bytes: 10% of slow's, 50% of fast's.
    expect(changeOf(handler, diff)).toBe('less');
  });

  it('writes difffolded lines with raw integer counts, baseline first', () => {
    const text = toDiffFolded(diff);
    const lines = parseDiffFolded(text);
    const slice = lines.find((line) => line.stack.at(-1)!.startsWith('slice'))!;
    expect(slice).toMatchObject({ baseline: 0, subject: 900 });
    expect(slice.stack[0]).toMatch(/^run /); // the root frame is left out
    expect(lines.reduce((sum, line) => sum + line.subject, 0)).toBe(1000);
    expect(lines.reduce((sum, line) => sum + line.baseline, 0)).toBe(100);
    expect(text.split('\n').every((line) => line === '' || /^[^;]+(;[^;]+)* \d+ \d+$/.test(line))).toBe(true);
  });
});
