// Reads a V8 .cpuprofile (Node's --cpu-prof) and ranks functions by self time.
// Used when 0x fails; (garbage collector) and (idle) appear as frames of their own.
import { readFile } from 'node:fs/promises';
import { rankSelfTime, type TopFrame } from './top-frames.js';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export async function cpuprofileToTopFrames(profilePath: string): Promise<TopFrame[]> {
  const profile = JSON.parse(await readFile(profilePath, 'utf8')) as CpuProfile;
  const nameById = new Map(profile.nodes.map((node) => [node.id, frameName(node)]));
  const selfByName = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const name = nameById.get(id) ?? '(unknown)';
    selfByName.set(name, (selfByName.get(name) ?? 0) + delta);
    total += delta;
  });
  return rankSelfTime(selfByName, total);
}

function frameName({ callFrame }: CpuProfileNode): string {
  const name = callFrame.functionName || '(anonymous)';
  if (!callFrame.url) return name;
  return `${name} ${callFrame.url}:${callFrame.lineNumber + 1}:${callFrame.columnNumber + 1}`;
}
