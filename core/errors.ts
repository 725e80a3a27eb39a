// Errors with codes, and the exit codes they map to. A user error (bad flag, unknown lesson,
// missing tool) prints one line and exits 2; a run that could not be judged exits 1; anything
// else is a bug (3) and keeps its stack.

/** The runner's exit codes (a contract: scripts and the console read them). */
export const EXIT = {
  /** The run agreed with theory (serve mode: stopped as asked). */
  agrees: 0,
  /** The run disagreed, was invalid, variants answered differently, or it failed part-way. */
  disagrees: 1,
  /** Bad usage, a missing tool, or TypeScript that does not compile. */
  usage: 2,
  /** The run was valid but its rounds straddle a band's edge: the noise is as large as the question. */
  inconclusive: 4,
  /** A bug of ours: the stack is printed. */
  internal: 3,
  /** Ctrl+C (the run is recorded as aborted). */
  interrupted: 130,
} as const;

export type ErrorCode =
  | 'E_USAGE' // a flag, value or lesson the runner does not accept
  | 'E_TOOL_MISSING' // an optional tool the learner asked for is not installed
  | 'E_TARGET' // a load driver was pointed somewhere other than 127.0.0.1
  | 'E_MISMATCH' // variants returned different answers
  | 'E_SERVER' // a lesson server failed to start or answer
  | 'E_LOAD' // the load generator failed (not a bug of ours: its log says why)
  | 'E_INTERRUPTED'; // Ctrl+C

const EXIT_CODES: Record<ErrorCode, number> = {
  E_USAGE: EXIT.usage,
  E_TOOL_MISSING: EXIT.usage,
  E_TARGET: EXIT.usage,
  E_MISMATCH: EXIT.disagrees,
  E_SERVER: EXIT.disagrees,
  E_LOAD: EXIT.disagrees,
  E_INTERRUPTED: EXIT.interrupted,
};

export class HotpathError extends Error {
  readonly exitCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HotpathError';
    this.exitCode = EXIT_CODES[code];
  }
}

/** Stops a step that Ctrl+C has already cancelled. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new HotpathError('E_INTERRUPTED', 'interrupted');
}
