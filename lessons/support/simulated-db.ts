// A stand-in for a database or upstream call: it costs wall time, not CPU.
import { setTimeout as sleep } from 'node:timers/promises';

export function simulatedDbCall(ms: number): Promise<void> {
  return sleep(ms);
}
