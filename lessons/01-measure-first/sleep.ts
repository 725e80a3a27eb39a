// Calibration endpoint: waits `sleepMs` and answers. It costs almost no CPU, so its throughput
// is set by latency and concurrency alone (Little's law) until the server itself saturates.
import type { VariantFactory } from '../../server/lesson-types.js';
import { simulatedDbCall } from '../../server/simulated-db.js';

export const sleep: VariantFactory = () =>
  async function sleepHandler(params) {
    const sleepMs = params.sleepMs as number;
    await simulatedDbCall(sleepMs);
    return { sleptMs: sleepMs };
  };
