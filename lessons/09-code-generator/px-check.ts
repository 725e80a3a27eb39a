// The timed command, as `cargo px check` is: run the generator, then the build. One call is one
// process start to finish (server/codegen-main.ts); its trace shows where the time went.
import path from 'node:path';
import { Tracer } from '../support/trace-events.js';
import { build } from './build.js';
import { generate, OUT_DIR } from './generate.js';
import type { InputsManifest } from './inputs.js';
import type { StepConfig } from './steps.js';
import { newCounters, type GeneratorCounters } from './work-counters.js';

export const TARGET_DIR = 'target';

export interface PxCheckInput {
  step: string;
  config: StepConfig;
  inputsDir: string;
  manifest: InputsManifest;
  registryUrl: string;
  workDir: string;
}

export interface PxCheckSummary {
  step: string;
  counters: GeneratorCounters;
  /** The process's peak resident memory, MiB (getrusage's maxrss). */
  peakRssMiB: number;
}

export async function pxCheck(input: PxCheckInput): Promise<{ summary: PxCheckSummary; tracer: Tracer }> {
  const tracer = new Tracer(`px check (${input.step})`);
  const counters = newCounters();
  const whole = tracer.span('px check', 'check', { step: input.step });
  await generate({ config: input.config, inputsDir: input.inputsDir, manifest: input.manifest, workDir: input.workDir,
    origin: { registryUrl: input.registryUrl, inputsDir: input.inputsDir, tracer, counters } });
  await build(path.join(input.workDir, OUT_DIR), path.join(input.workDir, TARGET_DIR), tracer, counters);
  whole.end();
  return { summary: { step: input.step, counters, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 102.4) / 10 }, tracer };
}
