// Finding wrk. It is optional: `--driver wrk` needs it, and byte-heavy lessons prefer it when it
// is there; its absence is a usage error with the install command, not a crash.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { HotpathError } from '../core/errors.js';

export const WRK_INSTALL_HINT = 'wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu; hotpath calls the `wrk` executable on PATH)';

/** The `wrk` executable on PATH, or null. */
export function wrkOnPath(envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'wrk');
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** The `wrk` executable on PATH; a usage-level error (exit 2) saying how to install it when there is none. */
export function findWrk(envPath = process.env.PATH ?? ''): string {
  const found = wrkOnPath(envPath);
  if (found === null) throw new HotpathError('E_TOOL_MISSING', WRK_INSTALL_HINT);
  return found;
}
