import { describe, expect, it } from 'vitest';
import { parseCliArgs, parseLessonNumber, resolveDriver, resolveRunOptions } from '../../lab/options.js';
import { findLesson } from '../../lessons/catalog.js';

const heldLock = findLesson(2)!;

describe('runner flags', () => {
  it('takes the lesson defaults, and --quick shortens only time', () => {
    const normal = resolveRunOptions(parseCliArgs(['2']), heldLock);
    expect(normal).toMatchObject({ duration: 8, warmup: 2, connections: 100, profile: 'none', params: { dbMs: 50 } });
    const quick = resolveRunOptions(parseCliArgs(['2', '--quick']), heldLock);
    expect(quick).toMatchObject({ duration: 2, warmup: 1, rounds: 2, connections: 100, quick: true });
    expect(normal.rounds).toBe(3);
    expect(resolveRunOptions(parseCliArgs(['2', '--quick', '--rounds', '5']), heldLock).rounds).toBe(5);
    const explicit = resolveRunOptions(parseCliArgs(['2', '--quick', '--duration', '5']), heldLock);
    expect(explicit.duration).toBe(5);
  });

  it('picks the driver: --driver, else the lesson\'s preferred one when installed, else autocannon saying why', () => {
    const files = findLesson(5)!;
    expect(resolveDriver('locust', files, true)).toEqual({ driver: 'locust', driverChoice: { by: 'flag', why: null } });
    expect(resolveDriver(null, heldLock, true)).toEqual({ driver: 'autocannon', driverChoice: { by: 'default', why: null } });
    const chosen = resolveDriver(null, files, true);
    expect(chosen.driver).toBe('wrk');
    expect(chosen.driverChoice).toMatchObject({ by: 'lesson', why: expect.stringMatching(/^lesson 5 uses it when installed: /) });
    const fallback = resolveDriver(null, files, false);
    expect(fallback.driver).toBe('autocannon');
    expect(fallback.driverChoice).toMatchObject({ by: 'fallback', why: expect.stringMatching(/wrk is not installed \(`apt-get install -y wrk`\): autocannon may be the bottleneck/) });
  });

  it('gives a preferred driver its own connections, unless --connections says otherwise', () => {
    const files = findLesson(5)!;
    const preferred = files.load.preferredDriver!.connections!;
    expect(preferred).not.toBe(files.load.connections);
    expect(resolveRunOptions(parseCliArgs(['5', '--driver', 'wrk']), files).connections).toBe(preferred);
    expect(resolveRunOptions(parseCliArgs(['5', '--driver', 'autocannon']), files).connections).toBe(files.load.connections);
    expect(resolveRunOptions(parseCliArgs(['5', '--driver', 'wrk', '--connections', '3']), files).connections).toBe(3);
  });

  it('passes lesson parameters through validation', () => {
    expect(resolveRunOptions(parseCliArgs(['2', '--param', 'dbMs=20']), heldLock).params).toEqual({ dbMs: 20 });
    expect(() => resolveRunOptions(parseCliArgs(['2', '--param', 'dbMs=0']), heldLock)).toThrow(/from 1 to 2000/);
    expect(() => resolveRunOptions(parseCliArgs(['2', '--param', 'iterations=5']), heldLock)).toThrow(/Unknown parameter/);
    expect(() => parseCliArgs(['2', '--param', 'dbMs'])).toThrow(/name=value/);
  });

  it.each([
    [['2', '--duration', 'abc'], /`--duration` to be a number of seconds from 1 to 600, got `abc`/],
    [['2', '--duration', '0'], /from 1 to 600/],
    [['2', '--rounds', '0'], /`--rounds` to be an integer from 1 to 20, got `0`/],
    [['2', '--rounds', '2.5'], /`--rounds` to be an integer from 1 to 20/],
    [['2', '--connections', '1001'], /from 1 to 1000/],
    [['2', '--connections', '2.5'], /integer/],
    [['2', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['2', '--driver', 'k6'], /`--driver` to be one of autocannon, locust, wrk/],
    [['2', '--locust-workers', '2'], /go with `--driver locust`/],
    [['2', '--driver', 'locust', '--locust-workers', '17'], /from 0 to 16/],
    [['2', '--driver', 'locust', '--locust-user', 'slow'], /fast, story/],
    [['2', '--clinic', 'nope'], /doctor, bubbleprof, flame, heapprofiler/],
    [['2', '3'], /one lesson number/],
  ])('rejects %j with a usage error', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(message);
    try {
      parseCliArgs(argv);
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_USAGE', exitCode: 2 });
    }
  });

  it('names the lessons that exist when the number is wrong', () => {
    expect(() => parseLessonNumber('99', [1, 2, 3])).toThrow('Unknown lesson `99`; the lessons are 1, 2, 3');
    expect(() => parseLessonNumber(undefined, [1, 2, 3])).toThrow(/Expected a lesson number/);
  });

  it('turns flame graphs off under clinic (one profiler at a time)', () => {
    expect(resolveRunOptions(parseCliArgs(['3', '--clinic', 'doctor']), findLesson(3)!).profile).toBe('none');
  });

  it('reads --profile, treats --no-flamegraph as none, and refuses the two at odds', () => {
    expect(resolveRunOptions(parseCliArgs(['3', '--profile', 'cpu']), findLesson(3)!).profile).toBe('cpu');
    expect(resolveRunOptions(parseCliArgs(['2', '--profile', 'alloc']), findLesson(2)!).profile).toBe('alloc');
    expect(resolveRunOptions(parseCliArgs(['3', '--no-flamegraph']), findLesson(3)!).profile).toBe('none');
    expect(() => parseCliArgs(['3', '--no-flamegraph', '--profile', 'both'])).toThrow(/cannot go with `--profile both`/);
    expect(() => parseCliArgs(['3', '--profile', 'heap'])).toThrow(/one of cpu, alloc, both, none/);
    expect(() => parseCliArgs(['3', '--clinic', 'doctor', '--profile', 'alloc'])).toThrow(/cannot go with `--profile alloc`/);
    expect(resolveRunOptions(parseCliArgs(['5', '--quick']), findLesson(5)!)).toMatchObject({ profile: 'none', profileFrom: 'lesson' });
    expect(resolveRunOptions(parseCliArgs(['5', '--quick', '--no-flamegraph']), findLesson(5)!)).toMatchObject({ profile: 'none', profileFrom: 'flag' });
  });
});

describe('--db', () => {
  it('goes only with a lesson that has a database: elsewhere a usage error naming lesson 8', () => {
    expect(() => resolveRunOptions(parseCliArgs(['2', '--db', 'postgres']), findLesson(2)!)).toThrow(/`--db` goes with a lesson that uses a database \(lesson 8\); lesson 2 has none/);
    expect(resolveRunOptions(parseCliArgs(['2']), findLesson(2)!).db).toBeNull();
    expect(() => parseCliArgs(['2', '--db', 'mysql'])).toThrow(/sqlite|postgres/);
  });
});
