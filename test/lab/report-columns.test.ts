// Each lesson's table shows the columns it teaches by, each explained in a legend line under it.
import { describe, expect, it } from 'vitest';
import { findLesson } from '../../lessons/catalog.js';
import { columnsFor, headlineOf, renderLegend } from '../../lab/report.js';

const titles = (id: number): string[] => columnsFor(findLesson(id)).map((column) => column.title);

describe('the table\'s columns, by lesson', () => {
  it('shows lock waits only where a lock is taught (lesson 2)', () => {
    expect(titles(2)).toEqual(expect.arrayContaining(['lock wait p99', 'max queue']));
    for (const id of [1, 3, 4, 5, 6, 7, 8]) expect(titles(id), `lesson ${id}`).not.toContain('lock wait p99');
  });

  it('shows GC and heap bytes for the allocation lessons (3, 7, 8) and the site lessons, not for lessons 1 and 2', () => {
    for (const id of [3, 4, 5, 6, 7, 8]) expect(titles(id), `lesson ${id}`).toEqual(expect.arrayContaining(['gc ms/req', 'alloc KB/req']));
    for (const id of [1, 2]) expect(titles(id), `lesson ${id}`).not.toContain('alloc KB/req');
  });

  it('shows MB/s, memory and work counters for the site lessons, processes and CPU % for the cluster lesson', () => {
    expect(titles(5)).toEqual(expect.arrayContaining(['MB/s', 'rss MiB', 'buffers MiB', 'hashed KB/req', 'opens/req']));
    expect(titles(4)).toEqual(expect.arrayContaining(['MB/s']));
    expect(titles(6)).toEqual(expect.arrayContaining(['procs', 'cpu %', 'loop p99 ms']));
  });

  it('explains every column but the first in a line of its own', () => {
    for (const id of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const columns = columnsFor(findLesson(id));
      const legend = renderLegend(columns);
      expect(legend, `lesson ${id}`).toHaveLength(columns.length - 1);
      columns.slice(1).forEach((column, i) => expect(legend[i]!.trim().startsWith(column.title)).toBe(true));
    }
  });

  it('says the lesson\'s own headline when it has one, else the speedup', () => {
    expect(headlineOf({ speedup: 0.91, headline: 'warm 3.59x (the win: 304s) · cold 0.91x' })).toBe(' · warm 3.59x (the win: 304s) · cold 0.91x');
    expect(headlineOf({ speedup: 96.5 })).toBe(' · speedup 96.5x');
    expect(headlineOf({ speedup: null })).toBe('');
  });
});

describe('lesson 5\'s headline', () => {
  it('names the case that wins and the one that does not', () => {
    const point = (label: string, rps: number) => ({ label, rps }) as never;
    const line = findLesson(5)!.headline!([point('readfile-sha1', 100), point('stream-stat-etag', 88), point('readfile-sha1@warm', 100), point('stream-stat-etag@warm', 253)]);
    expect(line).toBe('warm 2.53x (the win: 304s) · cold 0.88x (no clear win, as theory says) — stream-stat-etag over readfile-sha1');
  });
});
