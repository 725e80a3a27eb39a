import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { catalogueLines } from '../../lab/catalogue.js';
import type { RunRecord } from '../../lab/run-record.js';
import { Terminal } from '../../lab/terminal.js';
import { lessons } from '../../lessons/catalog.js';

function record(lessonId: number, runId: string, agrees: boolean, status: RunRecord['status'] = 'complete'): RunRecord {
  return { lesson: { id: lessonId }, runId, status, comparison: { agreesWithTheory: agrees, valid: true } } as unknown as RunRecord;
}

describe('lesson catalogue', () => {
  it('marks each lesson by its latest complete run', () => {
    const text = catalogueLines(new Terminal(new PassThrough()), lessons, [
      record(2, '20261126-120000-bbbb', false, 'aborted'),
      record(2, '20261126-110000-aaaa', true),
      record(3, '20261126-100000-cccc', false),
      record(2, '20261126-090000-dddd', false),
    ]).join('\n');
    expect(text).toMatch(/1 {2}Measure first\s+· {2}not run yet/);
    expect(text).toMatch(/2 {2}A lock held across an await\s+✓ {2}agreed with theory \(20261126-110000-aaaa\)/);
    expect(text).toMatch(/3 {2}Cloning in a hot loop\s+✗ {2}last run disagreed/);
    expect(text).toContain('npm run lesson:3');
  });
});
