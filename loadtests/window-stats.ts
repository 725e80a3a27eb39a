// Counts the responses of a load's measured window: what a driver reports once its ramp (the
// connections opening, the first requests queueing) is dropped.

/** Latencies kept as a growing typed array: exact percentiles, 8 bytes a response. */
class LatencyList {
  #values = new Float64Array(1024);
  #length = 0;

  push(ms: number): void {
    if (this.#length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#length++] = ms;
  }

  /** p50, p90, p99 and max, rounded to whole ms as autocannon reports them; zeros when empty. */
  percentiles(): { p50: number; p90: number; p99: number; max: number } {
    if (this.#length === 0) return { p50: 0, p90: 0, p99: 0, max: 0 };
    const sorted = this.#values.slice(0, this.#length).sort();
    // Nearest rank: the smallest value with at least q of the values at or below it.
    const at = (q: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: Math.round(sorted[sorted.length - 1]!) };
  }
}

export interface WindowCounts {
  /** Responses received, any status. */
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  okBytes: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

export class WindowStats {
  #open = false;
  #requests = 0;
  #ok = 0;
  #non2xx = 0;
  #errors = 0;
  #timeouts = 0;
  #okBytes = 0;
  readonly #latencies = new LatencyList();

  /** Starts counting; what happened before is the ramp. */
  open(): void {
    this.#open = true;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  response(ok: boolean, bytes: number, latencyMs: number): void {
    if (!this.#open) return;
    this.#requests += 1;
    if (!ok) {
      this.#non2xx += 1;
      return;
    }
    this.#ok += 1;
    this.#okBytes += bytes;
    this.#latencies.push(latencyMs);
  }

  error(isTimeout: boolean): void {
    if (!this.#open) return;
    this.#errors += 1;
    if (isTimeout) this.#timeouts += 1;
  }

  counts(): WindowCounts {
    return {
      requests: this.#requests,
      ok: this.#ok,
      non2xx: this.#non2xx,
      errors: this.#errors,
      timeouts: this.#timeouts,
      okBytes: this.#okBytes,
      latencyMs: this.#latencies.percentiles(),
    };
  }
}
