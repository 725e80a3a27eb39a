// The lesson catalogue: every lesson, marked by its latest complete run.
import type { Lesson } from '../core/lesson.js';
import type { RunRecord } from './run-record.js';
import type { Terminal } from './terminal.js';

/** @param records run records, newest first */
export function catalogueLines(t: Terminal, lessons: readonly Lesson[], records: readonly RunRecord[]): string[] {
  const lines = [t.paint('bold', 'hotpath lessons'), ''];
  for (const lesson of lessons) {
    const latest = records.find((record) => record.lesson.id === lesson.id && record.status === 'complete');
    const mark = !latest
      ? t.paint('dim', '·  not run yet')
      : latest.comparison.agreesWithTheory
        ? t.paint('green', `✓  agreed with theory (${latest.runId})`)
        : latest.comparison.valid && latest.comparison.verdict === 'inconclusive'
          ? t.paint('yellow', `?  last run was inconclusive (${latest.runId})`)
          : t.paint('yellow', `✗  last run ${latest.comparison.valid ? 'disagreed' : 'was invalid'} (${latest.runId})`);
    lines.push(`${String(lesson.id).padStart(2)}  ${lesson.title.padEnd(32)} ${mark}`);
    lines.push(t.paint('dim', `    npm run lesson:${lesson.id}   · story ${lesson.story.id}: ${lesson.story.figures}`));
  }
  lines.push('', t.paint('dim', 'Options for any lesson: npm run lesson -- <n> --help'));
  return lines;
}
