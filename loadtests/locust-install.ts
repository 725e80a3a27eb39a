// Finding Locust. It is optional: only `--driver locust` needs it, and its absence is a usage
// error with the install command, not a crash.
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { HotpathError } from '../core/errors.js';

export const LOCUST_INSTALL_HINT = 'Locust is not installed: `apt-get install python3-locust` (Debian/Ubuntu; hotpath calls the `locust` executable on PATH)';

export interface LocustInstall {
  /** The `locust` executable found on PATH. */
  executable: string;
  /** The interpreter and arguments of its `#!` line: the Python that has the locust package. */
  python: string[];
}

/** Finds `locust` on PATH and the Python it runs with (`python3 -m locust` may be another Python). */
export function findLocust(envPath = process.env.PATH ?? ''): LocustInstall {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'locust');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const firstLine = readFileSync(candidate, 'utf8').split('\n', 1)[0] ?? '';
    if (!firstLine.startsWith('#!')) continue;
    const python = firstLine.slice(2).trim().split(/\s+/);
    // `#!/usr/bin/env python3` names the interpreter after env.
    return { executable: candidate, python };
  }
  throw new HotpathError('E_TOOL_MISSING', LOCUST_INSTALL_HINT);
}

/** Whether `locust` is on PATH (for what only reports on it, such as the bench). */
export function locustInstalled(envPath = process.env.PATH ?? ''): boolean {
  try {
    findLocust(envPath);
    return true;
  } catch {
    return false;
  }
}
