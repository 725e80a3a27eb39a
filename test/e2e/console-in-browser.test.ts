// The lab console as a new user meets it, in a real browser (Debian's chromium, driven by
// playwright-core): `npm start`'s URL signs in, lesson 2 runs with --quick settings while the live
// chart moves, the verdict appears, the compare page opens, the exercise passes (the reference in
// its place), a second Run is refused while one goes, and a run stopped midway leaves nothing
// behind. CI installs chromium; elsewhere this skips without it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flamegraphsDir, projectRoot } from '../../core/paths.js';
import { exerciseCopy, removeExerciseCopies } from '../helpers/exercise-copy.js';
import { labProcessPids, waitFor } from '../helpers/run-cli.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present && process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);

/** The picture the README shows is one of these (looked at, then copied to flamegraphs/screenshots/). */
const SCREENSHOT = path.join(flamegraphsDir(), 'console-test.png');

let home: string;
let consoleProcess: ChildProcess;
let url: string;
let browser: Browser;
let page: Page;
const errors: string[] = [];

/** Clicks `button` and waits until the live panel follows the run it started (`Live · run-N`). */
async function startFrom(button: string): Promise<string> {
  const before = await page.locator('#live h2').textContent();
  await page.locator(button).click();
  await expect.poll(() => page.locator('#live h2').textContent(), { timeout: 30_000 }).not.toBe(before);
  return (await page.locator('#live h2').textContent())!;
}

/** Lab processes of this test's HOTPATH_HOME other than the console itself. */
const leftBehind = (): number[] => labProcessPids(home, '').filter((pid) => pid !== consoleProcess.pid);

describe.skipIf(!present)('the console in a browser (lesson 2, quick settings, 1400×900)', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'hotpath-test-console-'));
    // The exercise is the reference, in a copy: no tracked file is edited.
    const copy = exerciseCopy('02-held-lock', 'console', "export { rwlockEarlyRelease as exercise } from './fast.js';\n");
    consoleProcess = spawn(process.execPath, [path.join(projectRoot, 'dist', 'console', 'console-cli.js')], {
      env: { ...process.env, HOTPATH_HOME: home, ...copy.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    consoleProcess.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    expect(await waitFor(() => /^HOTPATH_CONSOLE (\S+)$/m.test(stdout), 20_000)).toBe(true);
    url = /^HOTPATH_CONSOLE (\S+)$/m.exec(stdout)![1]!;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    // One context: the page and the compare page it opens share the session cookie.
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    consoleProcess?.kill('SIGINT');
    await new Promise((resolve) => consoleProcess?.once('close', resolve));
    removeExerciseCopies();
    rmSync(home, { recursive: true, force: true });
  });

  it('signs in with the printed URL and lists the lessons', async () => {
    await page.goto(url);
    expect(new URL(page.url()).search).toBe(''); // the token left the address bar
    await expect.poll(() => page.locator('table.lessons a').count()).toBeGreaterThanOrEqual(9);
    await page.getByRole('link', { name: 'A lock held across an await' }).click();
    await page.locator('#readme h1').waitFor();
    expect(await page.locator('#readme h1').textContent()).toMatch(/Lesson 2/);
    expect(await page.locator('#param-dbMs').inputValue()).toBe('50');
  });

  it('runs lesson 2: the live chart moves for each variant, then the verdict, then the compare page opens', async () => {
    expect(await startFrom('#run-button')).toBe('Live · run-1');
    // Live: req/s per variant arrives second by second, and the chart draws a line per variant.
    await expect.poll(() => page.locator('#points strong').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.evaluate<number>("document.getElementById('chart').plot?.series.length ?? 0"), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    await page.locator('#verdict', { hasText: 'verdict:' }).waitFor({ timeout: 120_000 });
    expect(await page.locator('#verdict').textContent()).toBe('verdict: agrees');
    // The lock timeline (issue [6]'s sampler), round by round: one line per variant that takes the lock.
    expect(await page.evaluate<number>("document.getElementById('lock-chart').plot?.series.length ?? 0")).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#points').textContent()).toMatch(/held-mutex.*lock wait p99 \d/);
    const terminal = (await page.locator('#terminal').textContent())!;
    expect(terminal, terminal).toMatch(/^held-mutex +100 +\d+\.\d /m); // the table, as the CLI prints it
    expect(terminal).toMatch(/^verdict ✓ agrees with theory/m);
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.locator('#chart').scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT });
    const href = await page.locator('#compare-link').getAttribute('href');
    expect(href).toMatch(/^\/files\/flamegraphs\/lesson-02\/\d{8}-\d{6}-[0-9a-f]{4}\/compare\.html$/);
    const compare = await page.context().newPage(); // the same session: its cookie signs it in
    const response = await compare.goto(new URL(href!, url).href);
    expect(response?.status()).toBe(200);
    expect(await compare.title()).toMatch(/lesson 2/i);
    await compare.close();
    await expect.poll(() => page.locator('#history tr').count()).toBeGreaterThanOrEqual(2); // header + the run
  });

  it('passes the exercise, with the reference in its place', async () => {
    expect(await startFrom('#check-button')).toBe('Live · run-2');
    await page.locator('#live', { hasText: 'exercise: passed' }).waitFor({ timeout: 120_000 });
  });

  it('refuses a second run while one goes, and Stop ends the first cleanly, leaving nothing running', async () => {
    expect(await startFrom('#run-button')).toBe('Live · run-3');
    await expect.poll(() => page.locator('#points strong').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    const second = await page.evaluate<{ status: number; body: { error: string } }>(`(async () => {
      const response = await fetch('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lesson: 2, options: { quick: true } }) });
      return { status: response.status, body: await response.json() };
    })()`);
    expect(second.status).toBe(409);
    expect(second.body.error).toMatch(/a run is going/);
    await page.locator('#stop-button').click();
    await page.locator('#verdict', { hasText: 'verdict: stopped' }).waitFor({ timeout: 30_000 });
    // Its record says so, as a Ctrl+C'd run's does.
    await expect.poll(() => page.locator('#history').textContent(), { timeout: 10_000 }).toMatch(/aborted/);
    const gone = await waitFor(() => leftBehind().length === 0, 5_000);
    expect(gone ? '' : leftBehind().map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')).join('\n')).toBe('');
    // The page complained of nothing but the refused second run (the browser logs its 409).
    expect(errors.filter((error) => !error.includes('409 (Conflict)'))).toEqual([]);
  });
});
