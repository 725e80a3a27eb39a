// Where the console serves a run's files: /files/results/… and /files/flamegraphs/…, the only
// folders it serves from (HOTPATH_HOME's results and flamegraphs).
import path from 'node:path';
import { flamegraphsDir, hotpathHome, projectRoot } from '../core/paths.js';

export const SERVED_FOLDERS = {
  results: () => path.join(hotpathHome(), 'results'),
  flamegraphs: () => flamegraphsDir(),
} as const;

/** The console URL of a file under one of the served folders (absolute, or relative to the project), or null. */
export function fileUrl(file: string): string | null {
  const absolute = path.resolve(projectRoot, file);
  for (const [name, folder] of Object.entries(SERVED_FOLDERS)) {
    const relative = path.relative(folder(), absolute);
    if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) {
      return `/files/${name}/${relative.split(path.sep).map(encodeURIComponent).join('/')}`;
    }
  }
  return null;
}
