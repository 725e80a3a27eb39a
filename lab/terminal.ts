// Human output: colour and a live progress bar on a terminal, plain periodic lines otherwise.
import { TIMING } from '../core/defaults.js';
import { formatRate } from '../core/format.js';
import { pathLines } from '../core/paths.js';

export type Colour = 'bold' | 'dim' | 'green' | 'red' | 'yellow' | 'cyan';

const CODES: Record<Colour, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  green: [32, 39],
  red: [31, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

const BAR_WIDTH = 12;

export interface ProgressLine {
  update(elapsedSec: number, rps: number): void;
  /** Ends the bar with a final summary. */
  done(summary: string): void;
}

export class Terminal {
  readonly isTTY: boolean;
  readonly #colour: boolean;

  constructor(readonly stream: NodeJS.WritableStream & { isTTY?: boolean }) {
    this.isTTY = stream.isTTY === true;
    this.#colour = this.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  }

  paint(colour: Colour, text: string): string {
    if (!this.#colour) return text;
    const [open, close] = CODES[colour];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }

  line(text = ''): void {
    this.stream.write(`${text}\n`);
  }

  /** `record   results/…/result.json`, then its file:// URL under it (clickable in most terminals). */
  path(label: string, file: string, after = ''): void {
    const [relative, url] = pathLines(file);
    this.line(`${this.paint('bold', label.padEnd(9))} ${relative}${after}`);
    this.line(`${' '.repeat(10)}${this.paint('dim', url)}`);
  }

  /** A bar for `label` over `totalSec` seconds. */
  progress(label: string, totalSec: number, phase: string): ProgressLine {
    const name = label.padEnd(22);
    // A round's share of --duration is rarely whole: 3.2 s, not 3.1666666666666665 s.
    const total = Number(totalSec.toFixed(1));
    if (this.isTTY) {
      const draw = (elapsed: number, rps: number): void => {
        const filled = Math.min(BAR_WIDTH, Math.round((elapsed / totalSec) * BAR_WIDTH));
        const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
        this.stream.write(`\r\u001b[2K${this.paint('cyan', '▸')} ${name} ${bar} ${wholeSeconds(elapsed, totalSec)}/${total} s ${phase}  ${formatRate(rps)} req/s`);
      };
      draw(0, 0);
      return {
        update: draw,
        done: (summary) => this.stream.write(`\r\u001b[2K${this.paint('green', '✓')} ${name} ${summary}\n`),
      };
    }
    // Every driver counts the same way: whole seconds done, a line every plainProgressEverySec
    // (autocannon reports each second, Locust's poll four times a second).
    let lastPrinted = 0;
    return {
      update: (elapsed, rps) => {
        const done = wholeSeconds(elapsed, totalSec);
        if (done - lastPrinted < TIMING.plainProgressEverySec) return;
        lastPrinted = done;
        this.line(`  ${name} ${phase} ${done}/${total} s  ${formatRate(rps)} req/s`);
      },
      done: (summary) => this.line(`- ${name} ${summary}`),
    };
  }
}

/** Whole seconds done, at most the total: 0.25 s is 0, 1.0 s is 1, whatever the driver's tick. */
function wholeSeconds(elapsed: number, totalSec: number): number {
  return Math.floor(Math.min(elapsed, totalSec) + 1e-6);
}
