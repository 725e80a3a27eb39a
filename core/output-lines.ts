// A child's output, read as it comes, in bounded memory: complete lines are handed on (a line
// longer than the cap is cut), and only the last characters of all the text are kept for messages.
// Bytes are decoded as UTF-8 across chunks, so a character split between two reads stays whole.
import { StringDecoder } from 'node:string_decoder';
import { CHILD_OUTPUT } from './defaults.js';

export class OutputLines {
  readonly #decoder = new StringDecoder('utf8');
  #partial = '';
  #tail = '';

  constructor(
    readonly tailChars: number = CHILD_OUTPUT.tailChars,
    readonly maxLineChars: number = CHILD_OUTPUT.maxLineChars,
  ) {}

  /** Adds a chunk of output; returns the lines it completed, without their newlines. */
  push(chunk: Buffer | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    this.#tail = (this.#tail + text).slice(-this.tailChars);
    const parts = (this.#partial + text).split('\n');
    this.#partial = parts.pop()!.slice(0, this.maxLineChars);
    return parts.map((line) => line.slice(0, this.maxLineChars));
  }

  /** The line still missing its newline, if any (call when the output has ended). */
  flush(): string[] {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    return rest ? [rest] : [];
  }

  /** The last `tailChars` characters of everything pushed. */
  tail(): string {
    return this.#tail;
  }
}
