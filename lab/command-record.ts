// The run record of a whole-process lesson (lesson 9): the same envelope as a load lesson's
// (status, lesson, runId, comparison: what the catalogue and the exit code read), with steps
// timed start to finish instead of points under load. `kind` tells the two apart.
import type { StepFigures } from '../core/command-lesson.js';
import type { RunRecord } from './run-record.js';

export interface StepRecord extends StepFigures {
  /** `baseline`, `#1`, … as the story numbers the step. */
  label: string;
  summary: string;
  /** A command is timed, not loaded: there is no request rate. */
  rps: null;
  /** The baseline's median wall time over this step's (1 for the baseline). */
  speedup: number;
  /** The first run of the step, on an empty cache and output folder (a warm-up, never in the figures). */
  coldMs: number | null;
  /** SHA-256 over the generated files and the build's artefacts (path and bytes), after every run alike. */
  outputDigest: string;
  /** The Chrome trace of its last measured run, relative to the project root (Perfetto, chrome://tracing). */
  trace: string | null;
  /** The story's time for this step, seconds. */
  story: { mean: number; stdev: number };
  /** hyperfine's figures for the same command (`--hyperfine`), ms; null when not asked. */
  hyperfine: { mean: number; stdev: number; median: number; min: number; max: number; runs: number } | null;
}

/** The envelope a load lesson's record has too (`schemaVersion`, `status`, `lesson`, `runId`, times, `machine`, `params`, `order`, `comparison`). */
type Envelope = Pick<RunRecord, 'schemaVersion' | 'status' | 'lesson' | 'runId' | 'startedAt' | 'finishedAt' | 'machine' | 'params' | 'order' | 'comparison'>;

/**
 * `order`: the step names in the lesson's order (each round runs them all, starting one step later
 * each round); `comparison.speedup`: the baseline's median over the last step's; `valid` is false
 * when a run failed or the steps' outputs differed.
 */
export interface CommandRunRecord extends Envelope {
  kind: 'command';
  options: {
    /** Warm-up runs per step (not measured), then measured runs per step (`rounds`), interleaved. */
    warmup: number;
    rounds: number;
    quick: boolean;
    hyperfine: boolean;
  };
  variants: StepRecord[];
  /** No flame graphs: the gallery page drawing each step's trace as a timeline, relative to the project root, or null. */
  compareFlamegraphs: string | null;
  /** Present on an exercise check's run (`--exercise`): it is never read as a run of the lesson. */
  exercise?: { source: string; reference: string; counter: string; threshold: number };
}
