// A README in the console: its pictures served, its links to other lessons kept, the rest said.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeToHtml } from '../../console/readme-html.js';
import { projectRoot } from '../../core/paths.js';

describe('a lesson README in the console', () => {
  it('serves its screenshots, opens other lessons in the console, and names project files without linking them', () => {
    const html = readmeToHtml([
      '![the timelines](../../flamegraphs/screenshots/lesson-09-timelines.png)',
      'See [lesson 5](../05-whole-files/README.md#the-theory), [the charts](../../flamegraphs/README.md#charts), [docs](https://example.org/) and [below](#below).',
      '![elsewhere](../../package.json)',
    ].join('\n\n'), '09-code-generator');
    expect(html).toContain('<img src="/files/screenshots/lesson-09-timelines.png" alt="the timelines">');
    expect(html).toContain('<a href="#/lesson/5">lesson 5</a>');
    expect(html).toContain('<span class="project-file" title="in the project: flamegraphs/README.md">the charts</span>');
    expect(html).toContain('<a href="https://example.org/">docs</a>');
    expect(html).toContain('<a href="#below">below</a>');
    expect(html).toContain('[elsewhere]');
  });

  it('renders every lesson README with no relative link left to break', () => {
    for (const slug of ['02-held-lock', '05-whole-files', '09-code-generator']) {
      const html = readmeToHtml(readFileSync(path.join(projectRoot, 'lessons', slug, 'README.md'), 'utf8'), slug);
      expect(html).toMatch(/<h1[^>]*>Lesson \d/);
      expect([...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!).filter((url) => !/^(https?:|#|\/files\/screenshots\/)/.test(url))).toEqual([]);
    }
  });
});
