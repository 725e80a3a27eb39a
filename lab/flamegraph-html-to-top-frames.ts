// Reads the stack tree that 0x embeds in flamegraph.html (`visualizer({"merged": …})`) and
// ranks frames by self samples (`top`). No second 0x pass is needed.
import { readFile } from 'node:fs/promises';
import { rankSelfTime, type TopFrame } from './top-frames.js';

interface StackNode {
  name: string;
  value: number;
  top?: number;
  children?: StackNode[];
}

const MARKER = 'visualizer(';

export async function flamegraphHtmlToTopFrames(htmlPath: string): Promise<TopFrame[]> {
  const html = await readFile(htmlPath, 'utf8');
  const start = html.lastIndexOf(MARKER);
  if (start < 0) throw new Error(`${htmlPath} holds no 0x stack data`);
  const tree = parseLeadingJson(html.slice(start + MARKER.length)) as { merged?: StackNode };
  if (!tree.merged) throw new Error(`${htmlPath}: 0x stack data has no merged tree`);
  const selfByName = new Map<string, number>();
  const stack: StackNode[] = [tree.merged];
  for (let node = stack.pop(); node; node = stack.pop()) {
    selfByName.set(node.name, (selfByName.get(node.name) ?? 0) + (node.top ?? 0));
    if (node.children) stack.push(...node.children);
  }
  return rankSelfTime(selfByName, tree.merged.value);
}

/** Parses the JSON object at the start of `text`, ignoring what follows it. */
function parseLeadingJson(text: string): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return JSON.parse(text.slice(0, i + 1));
    }
  }
  throw new Error('unterminated JSON in flame graph');
}
