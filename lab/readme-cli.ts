// `npm run readme`: rewrites the README's flag table from the table in flags.ts, between its
// markers. test/lab/flags.test.ts fails while the two differ.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../core/paths.js';
import { flagMarkdownTable } from './flags.js';
import { writeFileAtomic } from './run-record.js';

export const FLAGS_BEGIN = '<!-- flags: generated from lab/flags.ts by `npm run readme` -->';
export const FLAGS_END = '<!-- /flags -->';

/** The README with its flag table replaced; throws when a marker is missing. */
export function withFlagTable(readme: string): string {
  const begin = readme.indexOf(FLAGS_BEGIN);
  const end = readme.indexOf(FLAGS_END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no ${FLAGS_BEGIN} … ${FLAGS_END} block`);
  return `${readme.slice(0, begin + FLAGS_BEGIN.length)}\n${flagMarkdownTable()}\n${readme.slice(end)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(projectRoot, 'dist', 'lab', 'readme-cli.js')) {
  const file = path.join(projectRoot, 'README.md');
  const before = await readFile(file, 'utf8');
  const after = withFlagTable(before);
  if (after !== before) await writeFileAtomic(file, after);
  process.stdout.write(after === before ? 'README.md: the flag table is up to date\n' : 'README.md: flag table rewritten\n');
}
