// `npm run screenshots`: the pictures in flamegraphs/README.md, from real runs of the final code.
// Runs lessons 3, 1, 2, 5 and 9 in a scratch HOTPATH_HOME, opens each compare page in Debian's
// chromium (playwright-core) at 1400 px wide, and saves what a learner sees first.
// `npm run screenshots -- --keep` keeps the scratch HOTPATH_HOME and prints where it is;
// `-- --only 9` makes only that lesson's picture.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { projectRoot } from '../core/paths.js';
import type { RunRecord } from './run-record.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = path.join(projectRoot, 'flamegraphs', 'screenshots');

/** Each shot: a lesson run at its defaults, and the first screen of its compare page (900 px high unless said). */
const SHOTS: ReadonlyArray<{ file: string; lesson: string; height?: number }> = [
  { file: 'lesson-03-compare.png', lesson: '3' },
  { file: 'lesson-01-chart.png', lesson: '1' },
  { file: 'lesson-02-lock-chart.png', lesson: '2' },
  { file: 'lesson-05-compare.png', lesson: '5' },
  // Lesson 9's five timelines, one under the other: taller, so the last (two fetch lanes) shows.
  { file: 'lesson-09-timelines.png', lesson: '9', height: 1280 },
];

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.error(`screenshots: ${CHROMIUM} is missing (apt-get install -y chromium)`);
    process.exit(2);
  }
  const home = mkdtempSync(path.join(os.tmpdir(), 'hotpath-screenshots-'));
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
    for (const shot of SHOTS.filter((s) => only === undefined || s.lesson === only)) {
      const page = runLesson([shot.lesson], home);
      const tab = await browser.newPage({ viewport: { width: 1400, height: shot.height ?? 900 } });
      await tab.goto(pathToFileURL(page).href);
      await tab.waitForTimeout(500); // d3 sets labels in a transition
      await tab.screenshot({ path: path.join(OUT, shot.file) });
      await tab.close();
      console.log(`${path.relative(projectRoot, path.join(OUT, shot.file))}  ←  ${path.relative(home, page)}`);
    }
  } finally {
    await browser.close();
    // `--keep`: the runs' records and pages stay, for the numbers a README cites beside the pictures.
    if (process.argv.includes('--keep')) console.log(`records and pages kept in ${home}`);
    else rmSync(home, { recursive: true, force: true });
  }
}

/** Runs a lesson with its defaults; returns its compare page. */
function runLesson(args: string[], home: string): string {
  console.log(`running lesson ${args.join(' ')} …`);
  const run = spawnSync(process.execPath, [path.join(projectRoot, 'dist', 'lab', 'cli.js'), ...args, '--json'], {
    env: { ...process.env, HOTPATH_HOME: home, NO_COLOR: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const record = JSON.parse(run.stdout) as Pick<RunRecord, 'runId' | 'comparison' | 'compareFlamegraphs'>;
  console.log(`  run ${record.runId}: ${record.comparison.verdict}`);
  if (!record.compareFlamegraphs) throw new Error(`lesson ${args[0]} wrote no compare page`);
  const page = path.isAbsolute(record.compareFlamegraphs) ? record.compareFlamegraphs : path.join(projectRoot, record.compareFlamegraphs);
  readFileSync(page); // there
  return page;
}

await main();
