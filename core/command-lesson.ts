// The contract of a whole-process lesson (story 000, issue [10]): what is measured is a command
// run start to finish, as hyperfine does, not a server under load. Its variants are the story's
// optimisation steps, each keeping the ones before; rounds are repetitions, interleaved across steps.
import type { Verdict } from './verdict.js';
import type { ParamSpec, Params } from './params.js';

/** One step of the story: a variant of the command. */
export interface CommandStep {
  /** Kebab-case name, as the command's `--step` takes it. */
  name: string;
  /** How the story numbers it: `baseline`, `#1`, … */
  label: string;
  summary: string;
  /** The story's time for this step, seconds (mean ± stdev, as hyperfine prints them). */
  story: { mean: number; stdev: number };
}

/** What the timed command printed about one run: what it did, counted, and its peak memory. */
export interface CommandRunSummary {
  counters: Record<string, number>;
  peakRssMiB: number;
}

/** The figures of one step over its measured runs (wall time in ms, as the record keeps it). */
export interface StepFigures {
  name: string;
  /** Each measured run's wall time, in the order they ran (round 1, 2, …). */
  runsMs: number[];
  wallMs: { mean: number; stdev: number; min: number; median: number; max: number };
  /** Counters of the last measured run (the runner checks they are the same in every warm run). */
  counters: Record<string, number>;
  peakRssMiB: number;
}

export interface CommandVerdictInput {
  params: Params;
  /** In the order of the lesson's steps. */
  steps: readonly StepFigures[];
}

/** The folders and addresses a run of the command is given. */
export interface CommandRunInput {
  step: string;
  inputsDir: string;
  /** The step's own folder: its cache and its output, kept from one run to the next. */
  workDir: string;
  /** The lesson's upstream (its registry), on 127.0.0.1. */
  upstreamUrl: string;
  /** Where the run writes its Chrome trace. */
  traceFile: string;
}

/**
 * A whole-process lesson's exercise: the learner writes one piece of a step (lesson 9: the writer
 * of the generated files); the command runs with it in that piece's place, beside the step before
 * and the reference. A counter decides (no timing noise); the time must also beat the step before.
 */
export interface CommandExerciseSpec {
  /** The step whose piece the exercise replaces, and is measured against (the "slow" one). */
  slow: string;
  /** The step that shows one way to do it: measured beside, and `--solution`'s file. */
  reference: { variant: string; file: string };
  /** What decides: this counter must be `equals` in every measured run of the exercise. */
  counter: { name: string; equals: number; words: string };
  /** Also required: the slow step's median time over the exercise's, at least this, beyond the noise. */
  threshold: number;
  /** Graded hints, vaguest first. */
  hints: readonly string[];
}

export interface CommandLesson {
  kind: 'command';
  id: number;
  /** Folder name, e.g. `09-code-generator`. */
  slug: string;
  title: string;
  story: { id: string; figures: string };
  /** What to watch during and after the run, printed at the start. */
  watch: string[];
  params: ParamSpec[];
  /** `steps[0]` is the baseline; each later one keeps the ones before. */
  steps: readonly CommandStep[];
  /** Runs per step: warm-ups (not measured; the first fills a step's cache) and measured rounds. */
  runs: { warmup: number; rounds: number };
  /** What `--quick` runs instead. */
  quickRuns: { warmup: number; rounds: number };
  /** The inputs, made once under HOTPATH_HOME (never timed): returns a line describing them. */
  ensureInputs(dir: string): Promise<string>;
  /** The lab process the command fetches from: its compiled entry (under dist/) and its flags. */
  upstream: { main: string; args(params: Params, inputsDir: string): string[] };
  /** The timed command: its compiled entry (under dist/) and its flags for one run. */
  command: { main: string; args(input: CommandRunInput): string[] };
  /**
   * What a run produces, inside a step's work folder: these folders' files make its output digest
   * (every step must produce the same), minus files with these names (the build's own bookkeeping).
   */
  output: { dirs: readonly string[]; ignore: readonly string[] };
  /** The counters the table shows per step, in order (`bytes`: shown in MiB). */
  counters: ReadonlyArray<{ name: string; title: string; unit?: 'bytes' }>;
  /** The prediction in one sentence, printed before the run. */
  headline(params: Params): string;
  verdict(input: CommandVerdictInput): Verdict;
  exercise?: CommandExerciseSpec;
}

/** What a run of a whole-process lesson is asked to do, resolved from flags against its defaults. */
export interface CommandRunOptions {
  /** Warm-up runs per step, not measured (the first fills the step's cache and output). */
  warmup: number;
  /** Measured runs per step, interleaved: every step's run 1, then every step's run 2, … */
  rounds: number;
  quick: boolean;
  json: boolean;
  verbose: boolean;
  /** Also time every step with hyperfine (Debian's `hyperfine`), to cross-check the table. */
  hyperfine: boolean;
  params: Params;
}
