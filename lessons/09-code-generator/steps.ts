// The story's optimisation steps, as data: each keeps every step before it. They are the lesson's
// variants; the story's own time for each (hyperfine, M2 laptop) is shown beside ours.
import { writeChangedFiles } from './write-changed.js';
import { writeEveryFile, type WriteGenerated } from './write-files.js';

export interface StepConfig {
  /** Where docs come from: fetched and parsed every run; a cache of whole docs; a cache of items parsed lazily. */
  docs: 'fetch' | 'whole-cache' | 'lazy-cache';
  /** How the generated files are written: every one, or only those that changed. */
  writes: WriteGenerated;
  /** Ask for last run's needed crates all at once, before the blueprint is walked. */
  prefetch: boolean;
}

export interface Step {
  name: string;
  /** `baseline`, `#1` … as the story numbers them. */
  label: string;
  summary: string;
  config: StepConfig;
  /** The story's `cargo px check` for this step: mean ± stdev, seconds. */
  story: { mean: number; stdev: number };
}

export const STEPS: readonly Step[] = [
  {
    name: 'baseline', label: 'baseline', summary: 'fetches and parses every crate\'s docs on every run, writes every file',
    config: { docs: 'fetch', writes: writeEveryFile, prefetch: false }, story: { mean: 3.677, stdev: 0.057 },
  },
  {
    name: 'sqlite-cache', label: '#1', summary: 'keeps third-party crates\' docs in an SQLite cache between runs',
    config: { docs: 'whole-cache', writes: writeEveryFile, prefetch: false }, story: { mean: 1.701, stdev: 0.014 },
  },
  {
    name: 'lazy-items', label: '#2', summary: 'caches items as one blob plus an offsets table and parses only the items asked for (the toolchain\'s too)',
    config: { docs: 'lazy-cache', writes: writeEveryFile, prefetch: false }, story: { mean: 1.417, stdev: 0.013 },
  },
  {
    name: 'skip-unchanged', label: '#3', summary: 'writes a generated file only when its checksum changed, so the build finds nothing to redo',
    config: { docs: 'lazy-cache', writes: writeChangedFiles, prefetch: false }, story: { mean: 1.196, stdev: 0.006 },
  },
  {
    name: 'prefetch-needed', label: '#4', summary: 'remembers the crates the last run needed and asks for them all at once',
    config: { docs: 'lazy-cache', writes: writeChangedFiles, prefetch: true }, story: { mean: 0.928, stdev: 0.002 },
  },
];

/** The step whose writer the exercise replaces: the exercise is step 3 written by the learner. */
export const EXERCISE_BASE = 'lazy-items';
