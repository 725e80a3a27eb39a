// Every tunable of the lab in one place, with why it has its value. Flags override the run
// defaults (`lab/flags.ts` lists the flags); the rest are fixed by what this machine and its
// tools need. Lesson tolerances are theory, and live in each lesson.ts.

/** Defaults of a run that no lesson overrides. */
export const RUN_DEFAULTS = {
  driver: 'autocannon',
  locustUser: 'fast',
  /** Locust's distributed mode: 0 is one standalone process. */
  locustWorkers: 0,
  /** Serve mode's port: 0 is any free one. */
  servePort: 0,
  /**
   * Rounds per point. Three is the fewest whose median ignores one disturbed round, and whose
   * spread shows whether the noise is as large as the effect.
   */
  rounds: 3,
} as const;

/**
 * What `--quick` means: a smoke run, same connections and profiling as the default run. Two
 * rounds still give a spread; a second each is enough for the lessons' effects, which are 3x and
 * more or counted without timing noise.
 */
/**
 * The allocation pass (see lab/run-lesson.ts): a window per point after the rounds. Without
 * array built-ins inlined by TurboFan, lesson 3's bytes land on `slice` (741 of 897 MB sampled
 * here), with them on the handler that called it.
 */
export const ALLOC_PASS = {
  seconds: 1.5,
  nodeFlags: ['--no-turbo-inline-array-builtins'],
  /** Windows at most, while the pass allocates per request unlike the rounds by more than `tolerance`. */
  attempts: 3,
  tolerance: 0.25,
  /** Its servers' labels (logs, progress): the measured point's plus this. */
  labelSuffix: '.alloc',
} as const;

export const QUICK = { warmup: 1, duration: 2, rounds: 2 } as const;

/** The accepted range of each numeric flag (inclusive). */
export const LIMITS = {
  duration: [1, 600],
  warmup: [0, 600],
  connections: [1, 1000],
  rounds: [1, 20],
  locustWorkers: [0, 16],
  port: [0, 65535],
} as const satisfies Record<string, readonly [number, number]>;

/** Timing the runner holds itself and its servers to. */
export const TIMING = {
  /** A driver's request timeout is at least this, and at least twice theory's worst latency. */
  minRequestTimeoutSec: 10,
  /** The ceiling point is a bound for the theory only: measured half as long, at least this. */
  minCeilingSec: 2,
  /**
   * Each round's load runs this long before its measured window opens: connections open and the
   * first requests queue there, and a round that counted them would read low. 1000 connections to
   * 127.0.0.1 are all open well within it (see lessons/01-measure-first/README.md).
   */
  rampSec: 0.5,
  /** How long a server may take to print its ready line; profilers start slowly. */
  serverReadyMs: { plain: 15_000, profiled: 60_000 },
  /** How long a stopped server may take to exit: 0x and clinic process their data after it. */
  serverStopGraceMs: { plain: 5_000, '0x': 90_000, 'cpu-prof': 10_000, clinic: 180_000 },
  /** Ctrl+C: how long servers (and their profilers) get before SIGKILL; nothing will be published. */
  abortGraceMs: 3_000,
  /** Any request the runner makes itself (/__lab routes, a site's ETags): a server this slow has failed. */
  labRequestTimeoutMs: 10_000,
  /** How often the runner asks a server whether requests are still in flight. */
  drainPollMs: 100,
  /** How often a driver reports progress (live req/s) while load runs. */
  progressTickMs: 1_000,
  /** How often a lab process checks that the runner that started it is alive. */
  parentPollMs: 1_000,
  /** A lab process asked to stop that has not exited after this long kills itself (profilers write well within it). */
  stopStallMs: 10_000,
  /** A piped terminal gets a progress line this often, seconds. */
  plainProgressEverySec: 2,
  /** How often a server samples memory for its peaks: often enough to see a burst of file buffers. */
  memorySampleMs: 50,
  /** The server's timeline (lock queue, lock wait, in flight): one sample per interval of a window. */
  timelineSampleMs: 100,
  /** A lesson-4 variant gives up on its upstream after this long. */
  upstreamFetchTimeoutMs: 5_000,
  /** A gallery temp file older than this is a leftover, not another runner's write in progress. */
  galleryTempMaxAgeMs: 60_000,
} as const;

/** When the load generator, not the server, may have set the number. */
export const GENERATOR = {
  /** Above this share of one core, the run is invalid. */
  cpuLimitPct: 90,
  /** From here the run stays valid but says the generator is near its limit. */
  cpuNearPct: 80,
  /** A CPU sample of a generator process over less than this window means nothing. */
  minCpuWindowMs: 500,
} as const;

/** Locust, driven as a child process. */
export const LOCUST = {
  /** Locust needs a moment to import and, in distributed mode, for its workers to connect. */
  startupAllowanceSec: 45,
  /** How long the master waits for its workers (its `--expect-workers-max-wait`). */
  expectWorkersMaxWaitSec: 20,
  /** After the run, how long Locust processes get to exit before SIGKILL. */
  stopGraceMs: 3_000,
  /** Seconds Locust's users get to finish a request when the run ends (its `--stop-timeout`). */
  stopTimeoutSec: 1,
  /** How often the driver reads Locust's CSV files and samples its CPU (progress shows each TIMING.progressTickMs). */
  pollMs: 250,
  /** How often Locust writes its CSV files (its default is 10 s): the live req/s reads them. */
  csvFlushSec: 1,
  /** Spawning N users at N a second (`-r` = `-u`) takes up to this long: a round's ramp is at least it. */
  spawnSec: 1,
  /** Think time of the story model: `between(0.5, 0.5)` in locustfiles/hotpath_user.py. */
  storyThinkTimeMs: 500,
  /** How often the runner looks whether the master listens yet, before starting workers. */
  masterPollMs: 100,
  /** Tries at a master port when another process takes the one picked (it is picked, then bound). */
  masterPortTries: 3,
} as const;

/** wrk, driven as a child process with loadtests/wrk/hotpath.lua. */
export const WRK = {
  /**
   * wrk's threads (`-t`). One event loop drives a thousand connections, and on this 2-core machine
   * a second thread would take the core the server needs; one thread is also one process whose
   * CPU the generator check reads (at most 100% of a core).
   */
  threads: 1,
  /** wrk starts in milliseconds; this long without its window line means it did not start. */
  startupAllowanceSec: 10,
  /**
   * wrk's own -d: this long past the window's end. The runner stops it earlier with SIGINT; -d
   * bounds a wrk whose runner was killed, since wrk cannot watch its parent as servers do.
   */
  backstopSlackSec: 2,
  /**
   * wrk stops at its next 100 ms tick after SIGINT and then prints its result; this long after
   * the window closed it is killed and the round fails.
   */
  stopGraceMs: 3_000,
  /** SIGINT is repeated this often until wrk exits (see the driver's stop()). */
  signalEveryMs: 100,
  /** SIGINT lands after the window closes by this much, so every answer inside it is counted. */
  stopAfterWindowMs: 20,
} as const;

/** Output of child processes kept in memory (the rest is in their log files). */
export const CHILD_OUTPUT = {
  /** Characters of a child's output kept for error messages. */
  tailChars: 64 * 1024,
  /** Longest line scanned for a ready line or a warning, in characters; longer ones are cut. */
  maxLineChars: 16 * 1024,
} as const;
