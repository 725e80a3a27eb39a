// Named counters of work done while serving, e.g. `upstreamFetches` or `bytesHashed`. They only
// grow; the runner subtracts two snapshots and divides by the requests in between.
export class WorkCounters {
  readonly #values = new Map<string, number>();

  add(name: string, amount = 1): void {
    this.#values.set(name, (this.#values.get(name) ?? 0) + amount);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#values);
  }
}
