// Calibration endpoint: waits `sleepMs` and answers. It costs almost no CPU, so its throughput
// is set by latency and concurrency alone (Little's law) until the server itself saturates.
import type { VariantFactory } from '../../core/lesson.js';
import { simulatedDbCall } from '../support/simulated-db.js';

export const sleep: VariantFactory = () =>
  async function sleepHandler(params) {
    const sleepMs = params.sleepMs as number;
    await simulatedDbCall(sleepMs);
    return { sleptMs: sleepMs };
  };
