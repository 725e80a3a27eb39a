import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { catalogueLines } from '../../lab/catalogue.js';
import { PROGRESS_SCHEMA, type Progress } from '../../lab/progress.js';
import type { RunRecord } from '../../lab/run-record.js';
import { Terminal } from '../../lab/terminal.js';
import { everyLesson, lessons } from '../../lessons/catalog.js';

function record(lessonId: number, runId: string, agrees: boolean, status: RunRecord['status'] = 'complete', extra: Partial<RunRecord> = {}): RunRecord {
  return { lesson: { id: lessonId }, runId, status, variants: [], comparison: { agreesWithTheory: agrees, valid: true, speedup: null }, ...extra } as unknown as RunRecord;
}
const noProgress: Progress = { schemaVersion: PROGRESS_SCHEMA, lessons: {} };
const text = (records: RunRecord[], progress: Progress = noProgress): string => catalogueLines(new Terminal(new PassThrough()), lessons, records, progress).join('\n');

describe('lesson catalogue', () => {
  it('marks each lesson by its latest complete run', () => {
    const shown = text([
      record(2, '20261126-120000-bbbb', false, 'aborted'),
      record(2, '20261126-110000-aaaa', true),
      record(3, '20261126-100000-cccc', false),
      record(2, '20261126-090000-dddd', false),
    ]);
    expect(shown).toMatch(/1 {2}Measure first\s+· {2}not run yet/);
    expect(shown).toMatch(/2 {2}A lock held across an await\s+✓ {2}agreed with theory \(20261126-110000-aaaa\)/);
    expect(shown).toMatch(/3 {2}Cloning in a hot loop\s+✗ {2}last run disagreed/);
    expect(shown).toContain('npm run lesson:3');
    expect(shown).toContain('next: run lesson 1: npm run lesson:1');
  });

  it('lists lesson 9, a command timed start to finish, with its run\'s speedup', () => {
    const command = { kind: 'command', ...record(9, '20261128-100000-ffff', true), comparison: { agreesWithTheory: true, valid: true, speedup: 3.6, verdict: 'agrees' } } as unknown as RunRecord;
    const shown = catalogueLines(new Terminal(new PassThrough()), everyLesson, [command], noProgress).join('\n');
    expect(shown).toMatch(/9 {2}Make a code generator fast\s+✓ {2}agreed with theory \(20261128-100000-ffff\) · speedup 3.6x/);
    expect(shown).toContain('npm run lesson:9');
    expect(shown).toContain('story 000: cargo px check 3.677');
  });

  it('does not take an exercise check for a run of the lesson, and shows the key figure', () => {
    const shown = text([
      record(2, '20261126-130000-eeee', true, 'complete', { exercise: { source: 'x', reference: 'y', figure: 'rps', threshold: 10 } }),
      record(2, '20261126-110000-aaaa', false, 'complete', { comparison: { agreesWithTheory: false, valid: true, speedup: 96.5, verdict: 'disagrees' } as RunRecord['comparison'] }),
    ]);
    expect(shown).toMatch(/2 {2}A lock held across an await\s+✗ {2}last run disagreed \(20261126-110000-aaaa\) · speedup 96.5x/);
  });

  it('shows each exercise\'s state and the next step, from progress', () => {
    const runs = lessons.map((lesson, i) => record(lesson.id, `20261126-10000${i}-aaaa`, true));
    const at = '2026-11-27T09:15:00.000Z';
    const progress: Progress = {
      schemaVersion: PROGRESS_SCHEMA,
      lessons: {
        2: { exercise: { lastCheck: { at, outcome: 'passed', ratio: 85.6, threshold: 10, runId: 'r' }, passedAt: at, hintsShown: 2 } },
        3: { exercise: { lastCheck: { at, outcome: 'too-slow', ratio: 1.02, threshold: 3, runId: 'r' }, passedAt: null, hintsShown: 0 } },
      },
    };
    const shown = text(runs, progress);
    expect(shown).toContain(`exercise ✓ passed 2026-11-27 09:15 UTC (86x, needs ${lessons.find((lesson) => lesson.id === 2)!.exercise!.threshold}x)`);
    const threshold = lessons.find((lesson) => lesson.id === 3)!.exercise!.threshold;
    expect(shown).toContain(`exercise: last check 2026-11-27 09:15 UTC: not fast enough yet (1.02x, needs ${threshold}x)`);
    expect(shown).toContain('exercise: not tried yet');
    expect(shown).toContain("next: lesson 3's exercise is not there yet: npm run lesson:3 -- --hint");
    expect(shown).not.toMatch(/1 {2}Measure first[^\n]*\n[^\n]*\n\s+exercise/); // lesson 1 has none
  });
});
