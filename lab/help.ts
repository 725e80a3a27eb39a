// The text of `--help`, general or for one lesson.
import type { Lesson } from '../server/lesson-types.js';
import { describeRange } from '../server/params.js';
import { CLINIC_TOOLS, LIMITS, QUICK } from './options.js';

export function usage(lessons: readonly Lesson[], lesson?: Lesson): string {
  const lines = [
    'usage: npm run lesson -- <n> [flags]        (or npm run lesson:<n> -- [flags])',
    '',
    'Runs a lesson: checks its variants agree, loads each in a fresh server, compares with theory.',
    '',
    'flags:',
    `  --duration <s>        measured seconds per point (${LIMITS.duration[0]}-${LIMITS.duration[1]})`,
    `  --warmup <s>          warm-up seconds per point, not measured (${LIMITS.warmup[0]}-${LIMITS.warmup[1]})`,
    `  --connections <n>     concurrent connections (${LIMITS.connections[0]}-${LIMITS.connections[1]})`,
    '  --param name=value    a lesson parameter; theory and verdict follow it (repeatable)',
    `  --quick               smoke run: warm-up ${QUICK.warmup} s, ${QUICK.duration} s measured`,
    '  --no-flamegraph       skip 0x profiling',
    `  --clinic <tool>       run each server under clinic ${CLINIC_TOOLS.join('|')}`,
    '  --driver <name>       the load generator: autocannon (default, built in) or locust',
    `  --locust-workers <n>  with locust: a master and n workers on 127.0.0.1 (${LIMITS.locustWorkers[0]}-${LIMITS.locustWorkers[1]}; 0 = one process)`,
    `  --locust-user <model> with locust: fast (FastHttpUser, no think time, default) or story (HttpUser, 0.5 s)`,
    '  --json                the run record on stdout, everything else on stderr (use npm run -s)',
    '  --verbose             mirror server and profiler output to stderr',
    '  -h, --help            this text',
    '',
    'exit codes: 0 agreed with theory · 1 disagreed, invalid or variants differ · 2 bad usage or',
    '            missing tool · 3 internal error · 130 interrupted',
    '',
  ];
  if (lesson) {
    lines.push(`lesson ${lesson.id}: ${lesson.title} (default ${lesson.load.connections} connection${lesson.load.connections === 1 ? '' : 's'}, ${lesson.load.duration} s measured, ${lesson.load.warmup} s warm-up)`);
    for (const spec of lesson.params) lines.push(`  --param ${spec.name}=<n>   ${spec.description}; default ${spec.default}, ${describeRange(spec)}`);
    for (const variant of lesson.variants) lines.push(`  variant ${variant.name}: ${variant.summary}`);
  } else {
    lines.push('lessons:');
    for (const item of lessons) lines.push(`  ${String(item.id).padStart(2)}  ${item.title}`);
  }
  return lines.join('\n');
}
