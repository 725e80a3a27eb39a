import { describe, expect, it } from 'vitest';
import type { ParamSpec } from '../../core/lesson.js';
import { ParamError, parseParams, toQueryString } from '../../core/params.js';

const specs: ParamSpec[] = [{ name: 'dbMs', description: 'db', default: 50, min: 1, max: 2000 }];

describe('parseParams', () => {
  it('fills defaults and parses integers', () => {
    expect(parseParams(specs, {})).toEqual({ dbMs: 50 });
    expect(parseParams(specs, { dbMs: '20' })).toEqual({ dbMs: 20 });
  });

  it.each(['abc', '0', '2001', '1.5', '', '1e3', '-3'])('rejects dbMs=%j naming the range', (raw) => {
    expect(() => parseParams(specs, { dbMs: raw })).toThrow(/`dbMs` to be an integer from 1 to 2000/);
  });

  it('rejects unknown and repeated parameters', () => {
    expect(() => parseParams(specs, { sleepMs: '1' })).toThrow(ParamError);
    expect(() => parseParams(specs, { dbMs: ['1', '2'] })).toThrow(/once/);
  });

  it('builds the query string the server expects', () => {
    expect(toQueryString({ dbMs: 20 })).toBe('?dbMs=20');
    expect(toQueryString({})).toBe('');
  });
});
