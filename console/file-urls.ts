// Where the console serves a run's files: /files/results/… and /files/flamegraphs/… (HOTPATH_HOME's
// results and flamegraphs), and the READMEs' pictures (/files/screenshots/…): the only folders
// it serves from.
import path from 'node:path';
import { flamegraphsDir, hotpathHome, projectRoot } from '../core/paths.js';

export const SERVED_FOLDERS = {
  results: () => path.join(hotpathHome(), 'results'),
  flamegraphs: () => flamegraphsDir(),
  // The pictures the lessons' READMEs show (committed with the project).
  screenshots: () => path.join(projectRoot, 'flamegraphs', 'screenshots'),
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
