// Calibration endpoint: answers at once. Its throughput is Express's own ceiling on this machine.
import type { VariantFactory } from '../../core/lesson.js';

export const trivial: VariantFactory = () =>
  async function trivialHandler() {
    return { ok: true };
  };
