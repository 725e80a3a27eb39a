// A child's output, read as it comes, in bounded memory: complete lines are handed on (a line
// longer than the cap is cut), and only the last characters of all the text are kept for messages.
// The whole output goes to a log file elsewhere; this is what the runner keeps in memory.
import { CHILD_OUTPUT } from './defaults.js';

export class OutputLines {
  #partial = '';
  #tail = '';

  constructor(
    readonly tailChars: number = CHILD_OUTPUT.tailChars,
    readonly maxLineChars: number = CHILD_OUTPUT.maxLineChars,
  ) {}

  /** Adds a chunk of output; returns the lines it completed, without their newlines. */
  push(chunk: Buffer | string): string[] {
    const text = chunk.toString();
    this.#tail = (this.#tail + text).slice(-this.tailChars);
    const parts = (this.#partial + text).split('\n');
    this.#partial = parts.pop()!.slice(0, this.maxLineChars);
    return parts.map((line) => line.slice(0, this.maxLineChars));
  }

  /** The line still missing its newline, if any (call when the output has ended). */
  flush(): string[] {
    const rest = this.#partial;
    this.#partial = '';
    return rest ? [rest] : [];
  }

  /** The last `tailChars` characters of everything pushed. */
  tail(): string {
    return this.#tail;
  }
}
