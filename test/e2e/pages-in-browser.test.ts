// The pages a learner opens, checked in a real browser (Debian's chromium, driven by
// playwright-core): what is drawn on the page, not the data embedded in it. CI installs chromium;
// elsewhere these tests skip when it is missing.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLOURS } from '../../lab/compare-page.js';
import type { RunRecord } from '../../lab/run-record.js';
import { leftovers, removeTestHomes, runCli } from '../helpers/run-cli.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present && process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);

let browser: Browser;
let run: Awaited<ReturnType<typeof runCli>>;
let record: RunRecord;

describe.skipIf(!present)('pages in a browser (lesson 3 --quick, 1400×900)', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    run = await runCli(['3', '--quick', '--json']);
    record = JSON.parse(run.stdout) as RunRecord;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    removeTestHomes();
  });

  /** Opens a page and collects everything it complains about. */
  async function open(file: string, drawsGraphs = true): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(pathToFileURL(file).href);
    if (drawsGraphs) {
      // d3 draws the frames at once and sets their labels in a transition: wait for a label.
      await page.waitForFunction("[...document.querySelectorAll('.graph .d3-flame-graph-label')].some((el) => el.textContent !== '')", undefined, { timeout: 10_000 });
    }
    return { page, errors };
  }

  it('the compare page draws each variant\'s hottest CPU frame, readable, with its .ts name', async () => {
    expect(record.compareFlamegraphs).not.toBeNull();
    const { page, errors } = await open(path.resolve(record.compareFlamegraphs!));
    for (const variant of record.variants) {
      const hottest = variant.topFrames[0]!.name;
      expect(hottest).toMatch(/Handler lessons\/03-clone-in-loop\/(slow|fast)\.ts:\d+$/);
      // In the variant's own CPU graph: a label holding the full name, not cut by an ellipsis.
      const label = page.locator(`[data-graph$="-cpu"] .d3-flame-graph-label`, { hasText: hottest }).first();
      await expect.poll(() => label.isVisible()).toBe(true);
      // On one line (nowrap), so a name wider than its block would overflow it: it must not.
      const { fits, noWrap } = await label.evaluate((el) => ({ fits: el.scrollWidth <= el.clientWidth + 1, noWrap: el.ownerDocument.defaultView?.getComputedStyle(el).whiteSpace === 'nowrap' }));
      expect(noWrap).toBe(true);
      expect(fits).toBe(true);
    }
    expect(errors).toEqual([]);
    expect(await page.locator('#page-errors').isHidden()).toBe(true);
    await page.close();
  });

  it('the allocation diff comes first, above the fold, and shows slice as new or more in clone-every-round', async () => {
    const { page, errors } = await open(path.resolve(record.compareFlamegraphs!));
    const first = page.locator('section.diff').first();
    await expect.poll(() => first.locator('h2').innerText()).toMatch(/^Allocation: clone-every-round against no-clone/);
    const top = await first.locator('.changes li').first().innerText();
    expect(top).toMatch(/^(only in clone-every-round|more) slice \[built-in\] ← cloneEveryRoundHandler lessons\/03-clone-in-loop\/slow\.ts:\d+/);
    // The slice frame in the drawn diff: visible in the first screenful, coloured as "new" or "more".
    const slice = first.locator('g.frame', { hasText: 'slice [built-in]' }).first();
    await expect.poll(() => slice.isVisible()).toBe(true);
    const box = (await slice.boundingBox())!;
    expect(box.y + box.height).toBeLessThan(900);
    expect(box.width).toBeGreaterThan(300); // most of the subject's bytes: over half its side's width
    const fill = (await slice.locator('rect').getAttribute('fill'))!;
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(fill.slice(i, i + 2), 16)) as [number, number, number];
    expect(fill === COLOURS.new || (r > g + 40 && r > b + 40)).toBe(true); // new, or a red shade of more
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the gallery lists the run with its verdict and links its compare page', async () => {
    const { page, errors } = await open(path.join(run.home, 'flamegraphs', 'index.html'), false);
    const row = page.locator('tr', { hasText: record.runId });
    expect(await row.isVisible()).toBe(true);
    const href = await row.locator('a', { hasText: 'compare' }).getAttribute('href');
    expect(path.resolve(path.join(run.home, 'flamegraphs'), decodeURI(href!))).toBe(path.resolve(record.compareFlamegraphs!));
    expect(errors).toEqual([]);
    expect(await leftovers(run.stderr)).toEqual({ alive: [], bound: [] });
    await page.close();
  });
});
