// The flag table is the one source of parsing, --help and the README's table.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { FLAGS, flagHelpLines, flagMarkdownTable, parseFlags } from '../../lab/flags.js';
import { usage } from '../../lab/help.js';
import { withFlagTable } from '../../lab/readme-cli.js';
import { commandLessons, everyLesson, lessons } from '../../lessons/catalog.js';

describe('the flag table', () => {
  it('is what the README shows (run `npm run readme` after changing lab/flags.ts)', () => {
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    expect(withFlagTable(readme)).toBe(readme);
    for (const spec of FLAGS) expect(readme).toContain(`--${spec.name}`);
  });

  it('is what --help lists, one line per flag', () => {
    const help = usage(lessons);
    for (const line of flagHelpLines()) expect(help).toContain(line);
    expect(flagHelpLines()).toHaveLength(FLAGS.length);
    expect(flagMarkdownTable().split('\n')).toHaveLength(FLAGS.length + 2);
  });

  it('lists every lesson, and says what a command lesson\'s flags count (lesson 9)', () => {
    expect(usage(everyLesson)).toMatch(/ 9 {2}Make a code generator fast/);
    const help = usage(everyLesson, commandLessons[0]);
    expect(help).toMatch(/lesson 9: Make a code generator fast \(a command timed start to finish: 3 warm-up \+ 10 measured runs per step, interleaved; --quick: 1 \+ 2\)/);
    expect(help).toContain('--warmup and --rounds count runs here');
    expect(help).toMatch(/step #1 sqlite-cache: keeps third-party crates' docs in an SQLite cache/);
    expect(help).toMatch(/--param fetchMs=<n> {3}the registry's wait/);
  });

  it('parses every flag it declares, and only those', () => {
    for (const spec of FLAGS) {
      const sample = spec.kind === 'switch' ? [] : spec.kind === 'choice' ? [spec.choices[0]!] : spec.kind === 'pairs' ? ['a=1'] : spec.kind === 'text' ? ['x'] : [String(spec.range[0])];
      const requires = spec.requires ? (spec.requires.value === 'true' ? [`--${spec.requires.flag}`] : [`--${spec.requires.flag}`, spec.requires.value]) : [];
      // A flag of another mode than `run` goes with the flag that enters it (or is that flag).
      const enter = spec.modes.includes('run') || ['serve', 'exercise', 'hint', 'solution', 'reset'].includes(spec.name) || spec.requires ? []
        : spec.modes.includes('serve') ? ['--serve', 'x'] : spec.modes.includes('exercise') ? ['--exercise'] : [];
      expect(parseFlags([`--${spec.name}`, ...sample, ...requires, ...enter]).values.has(spec.name)).toBe(true);
    }
    expect(() => parseFlags(['--frobnicate'])).toThrow(/Unknown option '--frobnicate'/);
  });

  it('keeps run flags and serve flags apart', () => {
    expect(parseFlags(['2', '--serve', 'held-mutex', '--port', '8080', '--param', 'dbMs=20']).mode).toBe('serve');
    expect(() => parseFlags(['2', '--serve', 'held-mutex', '--duration', '5'])).toThrow('`--duration` does not go with `--serve`');
    expect(() => parseFlags(['2', '--port', '8080'])).toThrow('`--port` can only go with `--serve <variant>`');
    expect(() => parseFlags(['2', '--serve', ''])).toThrow(/followed by <variant>/);
    expect(() => parseFlags(['2', '--serve', 'x', '--port', '70000'])).toThrow(/from 0 to 65535/);
  });

  it('keeps the exercise check and its hint, solution and reset apart from runs and from each other', () => {
    expect(parseFlags(['2', '--exercise', '--rounds', '5', '--quick', '--json']).mode).toBe('exercise');
    expect(parseFlags(['2', '--hint']).mode).toBe('tutor');
    expect(parseFlags(['2', '--reset', '--forget']).mode).toBe('tutor');
    expect(() => parseFlags(['2', '--exercise', '--profile', 'cpu'])).toThrow('`--profile` does not go with `--exercise`');
    expect(() => parseFlags(['2', '--exercise', '--hint'])).toThrow('`--exercise` and `--hint` do different things: give one of them');
    expect(() => parseFlags(['2', '--hint', '--solution'])).toThrow('`--hint` and `--solution` do different things');
    expect(() => parseFlags(['2', '--hint', '--rounds', '3'])).toThrow('`--rounds` does not go with `--hint`');
    expect(() => parseFlags(['2', '--forget'])).toThrow('`--forget` can only go with `--reset`');
    expect(() => parseFlags(['2', '--serve', 'x', '--exercise'])).toThrow('`--serve` and `--exercise` do different things');
  });
});
