// Errors with codes. A user error (bad flag, unknown lesson, missing tool) prints one line and
// exits 2; a run that could not be judged exits 1; anything else is a bug (3) and keeps its stack.

export type ErrorCode =
  | 'E_USAGE' // a flag, value or lesson the runner does not accept
  | 'E_TOOL_MISSING' // an optional tool the learner asked for is not installed
  | 'E_TARGET' // a load driver was pointed somewhere other than 127.0.0.1
  | 'E_MISMATCH' // variants returned different answers
  | 'E_SERVER' // a lesson server failed to start or answer
  | 'E_LOAD' // the load generator failed (not a bug of ours: its log says why)
  | 'E_INTERRUPTED'; // Ctrl+C

const EXIT_CODES: Record<ErrorCode, number> = {
  E_USAGE: 2,
  E_TOOL_MISSING: 2,
  E_TARGET: 2,
  E_MISMATCH: 1,
  E_SERVER: 1,
  E_LOAD: 1,
  E_INTERRUPTED: 130,
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

export const EXIT_INTERNAL_ERROR = 3;

/** Stops a step that Ctrl+C has already cancelled. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new HotpathError('E_INTERRUPTED', 'interrupted');
}
