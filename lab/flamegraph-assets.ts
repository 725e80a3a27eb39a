// d3-flame-graph (Martin Spier's, Apache-2.0) for pages that open offline from file://: its UMD
// build and the d3 modules it needs, each one's own UMD file (they extend one global `d3`), read
// from node_modules in dependency order and inlined into the page. No bundler, no CDN.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** d3 modules before the ones that use them (d3-scale needs d3-time-format, d3-transition d3-timer, …). */
const D3_MODULES = [
  'd3-array', 'd3-color', 'd3-dispatch', 'd3-ease', 'd3-format', 'd3-interpolate', 'd3-time', 'd3-time-format',
  'd3-timer', 'd3-selection', 'd3-transition', 'd3-hierarchy', 'd3-scale',
] as const;

let cached: string | null = null;

/** The scripts, concatenated: after them, `flamegraph` and `d3` are globals. */
export function flamegraphScripts(): string {
  if (cached !== null) return cached;
  const require = createRequire(import.meta.url);
  const flameDir = packageDir('d3-flame-graph', require.resolve.paths('d3-flame-graph') ?? []);
  // Its own d3 versions first (npm nests them under it when others differ), then the hoisted ones.
  const searchFrom = require.resolve.paths('d3-flame-graph/x') ?? [];
  const lookIn = [path.join(flameDir, 'node_modules'), ...searchFrom];
  const parts = D3_MODULES.map((name) => {
    const dir = packageDir(name, lookIn);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { unpkg?: string; jsdelivr?: string };
    const umd = manifest.unpkg ?? manifest.jsdelivr ?? `dist/${name}.min.js`;
    return readFileSync(path.join(dir, umd), 'utf8');
  });
  parts.push(readFileSync(path.join(flameDir, 'dist', 'd3-flamegraph.umd.min.js'), 'utf8'));
  // A `</script>` inside the code would end the inline script early.
  cached = parts.map((code) => code.replaceAll('</script', '<\\/script')).join('\n;\n');
  return cached;
}

function packageDir(name: string, nodeModulesDirs: readonly string[]): string {
  for (const dir of nodeModulesDirs) {
    const candidate = path.join(dir, name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
  }
  throw new Error(`${name} is not installed (run npm ci): the compare page needs it`);
}
