// CPU use of other processes (Locust's), from /proc/<pid>/stat: Linux only, no dependency.
import { execFileSync } from 'node:child_process';
import { GENERATOR } from '../core/defaults.js';
import { procStatFields } from '../core/proc-stat.js';

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // the Linux default
    }
  }
  return ticksPerSecond;
}

/** user + system CPU seconds a process has used, or null when it is gone (or not Linux). */
export function cpuSecondsOf(pid: number): number | null {
  const fields = procStatFields(pid);
  if (!fields) return null;
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** Samples processes' CPU over a window; `busiestPct` is the highest % of one core among them. */
export class CpuSampler {
  readonly #first = new Map<number, { cpu: number; at: number }>();
  readonly #last = new Map<number, { cpu: number; at: number }>();

  sample(pids: readonly number[]): void {
    const at = performance.now();
    for (const pid of pids) {
      const cpu = cpuSecondsOf(pid);
      if (cpu === null) continue;
      if (!this.#first.has(pid)) this.#first.set(pid, { cpu, at });
      this.#last.set(pid, { cpu, at });
    }
  }

  busiestPct(): number {
    let busiest = 0;
    for (const [pid, first] of this.#first) {
      const last = this.#last.get(pid);
      if (!last || last.at - first.at < GENERATOR.minCpuWindowMs) continue; // too short a window to mean anything
      busiest = Math.max(busiest, ((last.cpu - first.cpu) / ((last.at - first.at) / 1000)) * 100);
    }
    return busiest;
  }
}
