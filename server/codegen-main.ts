// Lesson 9's timed command, one process per run (the runner times it start to finish, as
// hyperfine does): generate the crate for one step, build it, print a summary line.
//   node dist/server/codegen-main.js --step <name> --inputs <dir> --work <dir> --registry <url> [--trace <file>]
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { readInputsManifest } from '../lessons/09-code-generator/inputs.js';
import { pxCheck } from '../lessons/09-code-generator/px-check.js';
import { EXERCISE_BASE, STEPS, type StepConfig } from '../lessons/09-code-generator/steps.js';
import type { WriteGenerated } from '../lessons/09-code-generator/write-files.js';
import { compiledExercise, EXERCISE_MODULE_ENV, EXERCISE_VARIANT } from '../core/paths.js';
import { CODEGEN_SUMMARY_PREFIX } from '../core/ready-line.js';
import { failAndExit } from './lab-process.js';

const fail: (message: string) => never = (message) => failAndExit('px check', message);

const { values } = parseArgs({
  options: { step: { type: 'string' }, inputs: { type: 'string' }, work: { type: 'string' }, registry: { type: 'string' }, trace: { type: 'string' } },
  strict: true,
});
const step = values.step === EXERCISE_VARIANT ? { name: EXERCISE_VARIANT, config: await exerciseConfig() }
  : STEPS.find((candidate) => candidate.name === values.step) ?? fail(`expected --step ${[...STEPS.map((s) => s.name), EXERCISE_VARIANT].join('|')}, got \`${values.step}\``);
const inputsDir = values.inputs ?? fail('expected --inputs <dir>');
const workDir = values.work ?? fail('expected --work <dir>');
const registryUrl = values.registry ?? fail('expected --registry <url>');
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(registryUrl)) fail(`expected --registry http://127.0.0.1:<port>, got \`${registryUrl}\``);
const manifest = (await readInputsManifest(inputsDir)) ?? fail(`no inputs in ${inputsDir} (the runner makes them)`);

try {
  const { summary, tracer } = await pxCheck({ step: step.name, config: step.config, inputsDir, manifest, registryUrl, workDir });
  if (values.trace) await tracer.write(values.trace);
  process.stdout.write(`${CODEGEN_SUMMARY_PREFIX} ${JSON.stringify(summary)}\n`);
} catch (error) {
  process.stderr.write(`hotpath px check (${step.name}): ${(error as Error).message}\n`);
  process.exit(1);
}

/** The learner's writer (lessons/09-code-generator/exercise.ts, compiled) in step 2's place. */
async function exerciseConfig(): Promise<StepConfig> {
  const file = process.env[EXERCISE_MODULE_ENV] ?? compiledExercise('09-code-generator');
  const module = (await import(pathToFileURL(file).href)) as { exercise?: WriteGenerated };
  if (typeof module.exercise !== 'function') fail(`${file} must export \`exercise\`, a function like writeEveryFile`);
  return { ...STEPS.find((s) => s.name === EXERCISE_BASE)!.config, writes: module.exercise };
}
