// Chrome's trace-event format (the JSON object form, `{"traceEvents": [...]}`), which Perfetto and
// chrome://tracing open: complete events (`ph: "X"`, microseconds) on named lanes. A span that
// runs beside another goes on a lane of its own, so parallel work shows as parallel rows.
import { writeFile } from 'node:fs/promises';

interface TraceEvent {
  name: string;
  cat: string;
  ph: 'X' | 'M';
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: Record<string, string | number | boolean>;
}

export interface Span {
  /** Ends the span (idempotent); `args` are added to the ones it started with. */
  end(args?: Record<string, string | number | boolean>): void;
}

export class Tracer {
  private readonly events: TraceEvent[] = [];
  private readonly origin = performance.now();
  /** Lanes in use (tid → busy): lane 1 is the main one. */
  private readonly busy = new Set<number>();
  private readonly named = new Set<number>();

  /** @param processName the name Perfetto shows for the process, e.g. `px check (baseline)` */
  constructor(processName: string, private readonly pid = process.pid) {
    this.events.push({ name: 'process_name', cat: '__metadata', ph: 'M', ts: 0, pid, tid: 1, args: { name: processName } });
  }

  /** A span on the main lane (nested spans there draw as a stack). */
  span(name: string, cat: string, args: Record<string, string | number | boolean> = {}): Span {
    return this.open(name, cat, args, 1);
  }

  /** A span that may overlap others: it gets the first free side lane. */
  concurrent(name: string, cat: string, args: Record<string, string | number | boolean> = {}): Span {
    let tid = 2;
    while (this.busy.has(tid)) tid += 1;
    this.busy.add(tid);
    return this.open(name, cat, args, tid, () => this.busy.delete(tid));
  }

  /** The trace so far, as Chrome's JSON object format. */
  toJSON(): { traceEvents: TraceEvent[]; displayTimeUnit: 'ms' } {
    return { traceEvents: this.events, displayTimeUnit: 'ms' };
  }

  async write(file: string): Promise<void> {
    await writeFile(file, JSON.stringify(this.toJSON()));
  }

  private open(name: string, cat: string, args: Record<string, string | number | boolean>, tid: number, release?: () => void): Span {
    if (!this.named.has(tid)) {
      this.named.add(tid);
      this.events.push({ name: 'thread_name', cat: '__metadata', ph: 'M', ts: 0, pid: this.pid, tid, args: { name: tid === 1 ? 'main' : `lane ${tid - 1}` } });
    }
    const start = this.now();
    let ended = false;
    return {
      end: (more = {}) => {
        if (ended) return;
        ended = true;
        release?.();
        this.events.push({ name, cat, ph: 'X', ts: start, dur: Math.max(1, this.now() - start), pid: this.pid, tid, args: { ...args, ...more } });
      },
    };
  }

  /** Microseconds since the tracer was made, rounded (the format's unit). */
  private now(): number {
    return Math.round((performance.now() - this.origin) * 1000);
  }
}
