// The runner's human output, for the console: every line the terminal would print becomes a
// `line` event (the same words, no colour), and every progress bar reports each tick as a
// `progress` event, so a browser can draw the live chart and show the table as the CLI prints it.
import { Writable } from 'node:stream';
import { OutputLines } from '../core/output-lines.js';
import { Terminal, type ProgressLine } from '../lab/terminal.js';

export interface TerminalEvents {
  line(text: string): void;
  progress(tick: { label: string; phase: string; elapsedSec: number; totalSec: number; rps: number }): void;
  pointDone(done: { label: string; phase: string; summary: string }): void;
}

export class ConsoleTerminal extends Terminal {
  readonly #events: TerminalEvents;

  constructor(events: TerminalEvents) {
    const lines = new OutputLines();
    super(new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of lines.push(chunk)) events.line(line);
        done();
      },
    }));
    this.#events = events;
  }

  override progress(label: string, totalSec: number, phase: string): ProgressLine {
    const plain = super.progress(label, totalSec, phase);
    return {
      update: (elapsedSec, rps) => {
        this.#events.progress({ label, phase, elapsedSec, totalSec, rps });
        plain.update(elapsedSec, rps);
      },
      done: (summary) => {
        this.#events.pointDone({ label, phase, summary });
        plain.done(summary);
      },
    };
  }
}
