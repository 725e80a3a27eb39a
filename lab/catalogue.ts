// `npm run lessons`: every lesson, with a mark from its latest complete run under HOTPATH_HOME.
import { lessons } from '../lessons/catalog.js';
import type { Lesson } from '../server/lesson-types.js';
import { readAllRecords } from './gallery.js';
import type { RunRecord } from './run-record.js';
import { Terminal } from './terminal.js';

export function catalogueLines(t: Terminal, all: readonly Lesson[], records: readonly RunRecord[]): string[] {
  const lines = [t.paint('bold', 'hotpath lessons'), ''];
  for (const lesson of all) {
    // Records come newest first.
    const latest = records.find((record) => record.lesson.id === lesson.id && record.status === 'complete');
    const mark = !latest
      ? t.paint('dim', '·  not run yet')
      : latest.comparison.agreesWithTheory
        ? t.paint('green', `✓  agreed with theory (${latest.runId})`)
        : t.paint('yellow', `✗  last run ${latest.comparison.valid ? 'disagreed' : 'was invalid'} (${latest.runId})`);
    lines.push(`${String(lesson.id).padStart(2)}  ${lesson.title.padEnd(32)} ${mark}`);
    lines.push(t.paint('dim', `    npm run lesson:${lesson.id}   · story ${lesson.story.id}: ${lesson.story.figures}`));
  }
  lines.push('', t.paint('dim', 'Options for any lesson: npm run lesson -- <n> --help'));
  return lines;
}

const terminal = new Terminal(process.stdout);
for (const line of catalogueLines(terminal, lessons, await readAllRecords())) terminal.line(line);
