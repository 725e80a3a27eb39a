// `--open`: the run's page in the default browser (xdg-open on Linux, open on macOS), as a
// detached process the run does not wait for. Never in CI, where nobody would look at it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../core/paths.js';

/** Opens `file` (relative to the project root, absolute, or an http:// URL); returns a line saying what happened. */
export function openPage(file: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.CI === 'true') return Promise.resolve('--open: not opened in CI');
  const absolute = /^http:\/\//.test(file) || path.isAbsolute(file) ? file : path.join(projectRoot, file);
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  return new Promise((resolve) => {
    const child = spawn(opener, [absolute], { detached: true, stdio: 'ignore', env });
    child.once('error', (error) => resolve(`--open: could not run ${opener} (${error.message}); open the page above yourself`));
    child.once('spawn', () => {
      child.unref();
      resolve(`--open: asked ${opener} to open ${path.basename(absolute)}`);
    });
  });
}
